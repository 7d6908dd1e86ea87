import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { notFound } from '../errors/management-error';
import { AdminPageAssets } from './admin-page.assets';
import { ADMIN_PAGE_HEADERS, ASSET_CACHE_CONTROL, HTML_CACHE_CONTROL } from './security-headers';

/** The administration page (issue 12): static files; everything it does goes through the management API. */
@Controller('admin')
export class AdminPageController {
  private readonly page = new AdminPageAssets();

  @Get()
  index(@Res() reply: FastifyReply): void {
    const files = this.page.get();
    reply.headers(ADMIN_PAGE_HEADERS).header('Cache-Control', HTML_CACHE_CONTROL);
    if (!files) {
      reply.code(503).type('text/plain; charset=utf-8').send('The administration page is not built: run `npm run build`.\n');
      return;
    }
    reply.type('text/html; charset=utf-8').send(files.html);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const asset = this.page.get()?.assets.get(file);
    if (!asset) throw notFound('No such file');
    reply.headers(ADMIN_PAGE_HEADERS).header('Cache-Control', ASSET_CACHE_CONTROL).type(asset.contentType).send(asset.body);
  }
}
