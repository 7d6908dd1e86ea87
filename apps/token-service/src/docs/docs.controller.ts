import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ADMIN_PAGE_HEADERS } from '../admin/security-headers';
import { DOCS_STYLESHEET, renderDocsPage } from './docs-page';
import { openApiDocument } from './openapi-document';

const API_VERSION = '0.1.0';

/** /docs: the API described (issue 9 item 6): the OpenAPI document and a readable page of it, under the admin page's headers. */
@Controller('docs')
export class DocsController {
  private readonly document = openApiDocument(API_VERSION);
  private readonly json = JSON.stringify(this.document);
  private readonly page = renderDocsPage(this.document, '/docs/');

  @Get()
  index(@Res() reply: FastifyReply): void {
    reply.headers(ADMIN_PAGE_HEADERS).header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(this.page);
  }

  @Get('openapi.json')
  @Header('Cache-Control', 'no-cache')
  @Header('Content-Type', 'application/json; charset=utf-8')
  openApi(): string {
    return this.json;
  }

  @Get('docs.css')
  stylesheet(@Res() reply: FastifyReply): void {
    reply.headers(ADMIN_PAGE_HEADERS).header('Cache-Control', 'no-cache').type('text/css; charset=utf-8').send(DOCS_STYLESHEET);
  }
}
