// An independent check of the verifiable log, for the test suite: Go's own
// golang.org/x/mod/sumdb/note (C2SP signed notes) and sumdb/tlog (RFC 6962 /
// RFC 9162 Merkle proofs), none of our TypeScript. Reads one JSON document on
// stdin (checkpoints as served, the verifier key, inclusion and consistency
// proofs as the HTTP API answers them) and prints "ok" or the first failure
// (exit 1).
//
// Built in GOPATH mode against Debian's golang-golang-x-mod-dev:
//   GO111MODULE=off GOPATH=/usr/share/gocode go run tools/independent-verifier/main.go < input.json
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type inclusion struct {
	Index    int64    `json:"index"`
	TreeSize int64    `json:"tree_size"`
	LeafData string   `json:"leaf_data"`
	Hashes   []string `json:"hashes"`
}

type consistency struct {
	First  int64    `json:"first"`
	Second int64    `json:"second"`
	Hashes []string `json:"hashes"`
}

type input struct {
	VerifierKey string        `json:"verifier_key"`
	Origin      string        `json:"origin"`
	Checkpoints []string      `json:"checkpoints"`
	Inclusion   []inclusion   `json:"inclusion"`
	Consistency []consistency `json:"consistency"`
}

func fail(format string, args ...interface{}) {
	fmt.Printf(format+"\n", args...)
	os.Exit(1)
}

func hash(b64 string) tlog.Hash {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != tlog.HashSize {
		fail("not a base64 SHA-256: %q", b64)
	}
	var h tlog.Hash
	copy(h[:], raw)
	return h
}

func hashes(list []string) []tlog.Hash {
	out := make([]tlog.Hash, len(list))
	for i, b := range list {
		out[i] = hash(b)
	}
	return out
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail("input: %v", err)
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(in.VerifierKey))
	if err != nil {
		fail("verifier key: %v", err)
	}
	roots := map[int64]tlog.Hash{}
	for _, text := range in.Checkpoints {
		n, err := note.Open([]byte(text), note.VerifierList(verifier))
		if err != nil {
			fail("checkpoint signature: %v", err)
		}
		// C2SP tlog-checkpoint body: origin, size, base64 root, then optional extension lines.
		lines := strings.Split(n.Text, "\n")
		if len(lines) < 4 || lines[0] != in.Origin {
			fail("checkpoint body: %q", n.Text)
		}
		size, err := strconv.ParseInt(lines[1], 10, 64)
		if err != nil || size < 0 {
			fail("checkpoint size: %q", lines[1])
		}
		roots[size] = hash(lines[2])
	}
	for _, p := range in.Inclusion {
		root, ok := roots[p.TreeSize]
		if !ok {
			fail("no checkpoint of size %d", p.TreeSize)
		}
		data, err := base64.StdEncoding.DecodeString(p.LeafData)
		if err != nil {
			fail("leaf data: %v", err)
		}
		if err := tlog.CheckRecord(tlog.RecordProof(hashes(p.Hashes)), p.TreeSize, root, p.Index, tlog.RecordHash(data)); err != nil {
			fail("inclusion of leaf %d in tree %d: %v", p.Index, p.TreeSize, err)
		}
	}
	for _, p := range in.Consistency {
		first, ok1 := roots[p.First]
		second, ok2 := roots[p.Second]
		if !ok1 || !ok2 {
			fail("no checkpoints of sizes %d and %d", p.First, p.Second)
		}
		if err := tlog.CheckTree(tlog.TreeProof(hashes(p.Hashes)), p.Second, second, p.First, first); err != nil {
			fail("consistency %d -> %d: %v", p.First, p.Second, err)
		}
	}
	fmt.Printf("ok: %d checkpoints, %d inclusion proofs, %d consistency proofs\n", len(in.Checkpoints), len(in.Inclusion), len(in.Consistency))
}
