// SPDX-License-Identifier: ISC

// tlogcheck verifies a running custosd's transparency log with the Go
// reference packages golang.org/x/mod/sumdb/note and .../tlog, sharing no
// code with custos: the signed checkpoint under the published verifier
// key, the root recomputed from the C2SP hash tiles, every leaf of the
// entry bundles against the level-0 tiles, and custosd's own inclusion and
// consistency proofs.  It knows nothing of the sealed leaf format beyond
// "opaque bytes in bundles".
//
//	usage: tlogcheck [-key VKEY] URL
//
// Exit 0 when everything verifies, 1 otherwise, 2 on usage errors.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

var base string
var client = &http.Client{Timeout: 30 * time.Second}
var fetched int64

func get(path string) ([]byte, error) {
	resp, err := client.Get(base + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	fetched += int64(len(b))
	return b, nil
}

// c2spIndex encodes n as C2SP tlog-tiles does: 3-digit groups, "x" before
// all but the last.
func c2spIndex(n int64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		s = fmt.Sprintf("x%03d/", n%1000) + s
	}
	return s
}

func tilePath(level string, n int64, w int) string {
	p := "/v1/log/tile/" + level + "/" + c2spIndex(n)
	if w < 1<<height {
		p += ".p/" + strconv.Itoa(w)
	}
	return p
}

type reader struct{}

func (reader) Height() int { return height }

func (reader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		if t.H != height {
			return nil, fmt.Errorf("tile height %d", t.H)
		}
		b, err := get(tilePath(strconv.Itoa(t.L), t.N, t.W))
		if err != nil {
			return nil, err
		}
		if len(b) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("tile %d/%d: %d bytes", t.L, t.N, len(b))
		}
		out[i] = b
	}
	return out, nil
}

func (reader) SaveTiles([]tlog.Tile, [][]byte) {}

type proofDoc struct {
	Hashes []string `json:"hashes"`
}

func hashes(b []byte) ([]tlog.Hash, error) {
	var d proofDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(d.Hashes))
	for i, s := range d.Hashes {
		h, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(h) != tlog.HashSize {
			return nil, fmt.Errorf("bad hash %q", s)
		}
		copy(out[i][:], h)
	}
	return out, nil
}

// checkpoint parses a C2SP checkpoint body: origin, size, root.
func checkpoint(text string) (string, tlog.Tree, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return "", tlog.Tree{}, fmt.Errorf("short checkpoint")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 {
		return "", tlog.Tree{}, fmt.Errorf("bad size %q", lines[1])
	}
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return "", tlog.Tree{}, fmt.Errorf("bad root %q", lines[2])
	}
	t := tlog.Tree{N: n}
	copy(t.Hash[:], h)
	return lines[0], t, nil
}

func run(vkeyFlag string) error {
	vkey := vkeyFlag
	if vkey == "" {
		b, err := get("/v1/log/key")
		if err != nil {
			return err
		}
		vkey = strings.TrimSpace(string(b))
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return fmt.Errorf("verifier key: %v", err)
	}
	msg, err := get("/v1/log/checkpoint")
	if err != nil {
		return err
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return fmt.Errorf("checkpoint signature: %v", err)
	}
	origin, tree, err := checkpoint(n.Text)
	if err != nil {
		return err
	}
	if origin != v.Name() {
		return fmt.Errorf("origin %q is not the key's name %q", origin, v.Name())
	}
	fmt.Printf("checkpoint: %s size %d, signed by %s\n", origin, tree.N, v.Name())
	hr := tlog.TileHashReader(tree, reader{})
	root, err := tlog.TreeHash(tree.N, hr)
	if err != nil {
		return fmt.Errorf("tree hash from tiles: %v", err)
	}
	if root != tree.Hash {
		return fmt.Errorf("the tiles hash to %v, the checkpoint says %v", root, tree.Hash)
	}
	fmt.Printf("root recomputed from the hash tiles\n")
	// Every leaf of the entry bundles is the record its level-0 hash says.
	var leaves int64
	for k := int64(0); k*256 < tree.N; k++ {
		w := tree.N - k*256
		if w > 256 {
			w = 256
		}
		b, err := get(tilePath("entries", k, int(w)))
		if err != nil {
			return err
		}
		for at := 0; at < len(b); {
			if at+2 > len(b) {
				return fmt.Errorf("bundle %d: truncated", k)
			}
			ln := int(b[at])<<8 | int(b[at+1])
			if at+2+ln > len(b) {
				return fmt.Errorf("bundle %d: truncated", k)
			}
			rec := b[at+2 : at+2+ln]
			at += 2 + ln
			hs, err := hr.ReadHashes([]int64{tlog.StoredHashIndex(0, leaves)})
			if err != nil {
				return err
			}
			if tlog.RecordHash(rec) != hs[0] {
				return fmt.Errorf("entry %d of the bundles is not the tree's leaf", leaves)
			}
			// custosd's inclusion proof, checked by tlog.
			pb, err := get(fmt.Sprintf("/v1/log/proof/inclusion?index=%d&size=%d", leaves, tree.N))
			if err != nil {
				return err
			}
			p, err := hashes(pb)
			if err != nil {
				return err
			}
			if err := tlog.CheckRecord(p, tree.N, tree.Hash, leaves, tlog.RecordHash(rec)); err != nil {
				return fmt.Errorf("inclusion proof of %d: %v", leaves, err)
			}
			if bytes.Contains(rec, []byte("\"tenant\"")) {
				return fmt.Errorf("entry %d: a bundle holds an entry in clear", leaves)
			}
			leaves++
		}
	}
	if leaves != tree.N {
		return fmt.Errorf("the bundles hold %d leaves, the tree %d", leaves, tree.N)
	}
	fmt.Printf("%d leaves of the entry bundles match the tiles; their inclusion proofs verify\n", leaves)
	// custosd's consistency proofs from earlier sizes.
	var checked int
	for old := int64(1); old < tree.N; old = old*2 + 1 {
		oldRoot, err := tlog.TreeHash(old, hr)
		if err != nil {
			return err
		}
		pb, err := get(fmt.Sprintf("/v1/log/proof/consistency?old=%d&new=%d", old, tree.N))
		if err != nil {
			return err
		}
		p, err := hashes(pb)
		if err != nil {
			return err
		}
		if err := tlog.CheckTree(p, tree.N, tree.Hash, old, oldRoot); err != nil {
			return fmt.Errorf("consistency %d -> %d: %v", old, tree.N, err)
		}
		checked++
	}
	fmt.Printf("%d consistency proofs verify; %d bytes fetched\n", checked, fetched)
	return nil
}

func main() {
	key := flag.String("key", "", "verifier key (default: fetched from URL)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: tlogcheck [-key VKEY] URL")
		os.Exit(2)
	}
	base = strings.TrimRight(flag.Arg(0), "/")
	if err := run(*key); err != nil {
		fmt.Fprintln(os.Stderr, "tlogcheck: FAILED:", err)
		os.Exit(1)
	}
	fmt.Println("tlogcheck: ok")
}
