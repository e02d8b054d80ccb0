// An independent verifier of a Relais audit log, in Go, on the reference implementations of
// golang.org/x/mod/sumdb/note and sumdb/tlog (DESIGN promise 7, issue 11): it opens the served,
// cosigned checkpoint with the log's key alone (note ignores the cosignatures, which it does not
// know), then again with its own C2SP cosignature/v1 verifiers for the cosigners (Ed25519 over
// "cosignature/v1\ntime T\n" + checkpoint body, with crypto/ed25519), recomputes the root from
// every entry with tlog, and checks served inclusion and consistency proofs with tlog.
// Run in GOPATH mode: GO111MODULE=off GOPATH=$tmp:/usr/share/gocode go run verify-log.go
//   SERVER TOKEN LOG_VKEY [COSIGNER_VKEY…]
// Prints one JSON object; exits 1 on any failure.
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type cosigner struct {
	name string
	hash uint32
	key  ed25519.PublicKey
	seen []uint64
}

func (c *cosigner) Name() string    { return c.name }
func (c *cosigner) KeyHash() uint32 { return c.hash }
func (c *cosigner) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	signed := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), msg...)
	if !ed25519.Verify(c.key, signed, sig[8:]) {
		return false
	}
	c.seen = append(c.seen, t)
	return true
}

func parseCosigner(vkey string) *cosigner {
	parts := strings.SplitN(vkey, "+", 3)
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if len(parts) != 3 || err != nil || len(raw) != 33 || raw[0] != 0x04 {
		fail("bad cosigner key")
	}
	h := sha256.Sum256(append(append([]byte(parts[0]), '\n'), raw...))
	id := binary.BigEndian.Uint32(h[:4])
	if fmt.Sprintf("%08x", id) != parts[1] {
		fail("cosigner key ID mismatch")
	}
	return &cosigner{name: parts[0], hash: id, key: ed25519.PublicKey(raw[1:])}
}

var server, token string

func fail(msg string) {
	fmt.Fprintln(os.Stderr, msg)
	os.Exit(1)
}

func get(path string) []byte {
	req, _ := http.NewRequest("GET", server+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fail(err.Error())
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		fail(fmt.Sprintf("%s: %d", path, res.StatusCode))
	}
	return body
}

func proof(path string) []tlog.Hash {
	var p struct{ Proof []string }
	if err := json.Unmarshal(get(path), &p); err != nil {
		fail(err.Error())
	}
	out := make([]tlog.Hash, len(p.Proof))
	for i, s := range p.Proof {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != 32 {
			fail("bad proof hash")
		}
		copy(out[i][:], b)
	}
	return out
}

type memory map[int64]tlog.Hash

func (m memory) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = m[x]
	}
	return out, nil
}

func main() {
	if len(os.Args) < 4 {
		fail("usage: verify-log SERVER TOKEN LOG_VKEY [COSIGNER_VKEY…]")
	}
	server, token = os.Args[1], os.Args[2]
	logVerifier, err := note.NewVerifier(os.Args[3])
	if err != nil {
		fail(err.Error())
	}
	msg := get("/api/v1/log/checkpoint")
	// 1. The log's key alone: the cosignatures are signatures by unknown keys, ignored.
	n, err := note.Open(msg, note.VerifierList(logVerifier))
	if err != nil {
		fail("note.Open with the log key: " + err.Error())
	}
	// 2. With the cosigners too: each of their lines must verify as cosignature/v1.
	verifiers := []note.Verifier{logVerifier}
	var cosigners []*cosigner
	for _, vkey := range os.Args[4:] {
		c := parseCosigner(vkey)
		cosigners = append(cosigners, c)
		verifiers = append(verifiers, c)
	}
	all, err := note.Open(msg, note.VerifierList(verifiers...))
	if err != nil {
		fail("note.Open with the cosigners: " + err.Error())
	}
	lines := strings.Split(n.Text, "\n")
	size, _ := strconv.ParseInt(lines[1], 10, 64)
	rootBytes, _ := base64.StdEncoding.DecodeString(lines[2])
	var root tlog.Hash
	copy(root[:], rootBytes)

	stored := memory{}
	var leaves []tlog.Hash
	for start := int64(0); start < size; start += 10000 {
		end := start + 10000
		if end > size {
			end = size
		}
		var page struct{ Entries []string }
		if err := json.Unmarshal(get(fmt.Sprintf("/api/v1/log/entries?start=%d&end=%d", start, end)), &page); err != nil {
			fail(err.Error())
		}
		for i, e := range page.Entries {
			hashes, err := tlog.StoredHashes(start+int64(i), []byte(e), stored)
			if err != nil {
				fail(err.Error())
			}
			base := tlog.StoredHashCount(start + int64(i))
			for k, h := range hashes {
				stored[base+int64(k)] = h
			}
			leaves = append(leaves, tlog.RecordHash([]byte(e)))
		}
	}
	if int64(len(leaves)) != size {
		fail("entries missing")
	}
	computed, err := tlog.TreeHash(size, stored)
	if err != nil || computed != root {
		fail("the root computed with tlog is not the checkpoint's")
	}
	checked := 0
	for _, i := range []int64{0, size / 3, size / 2, size - 1} {
		p := proof(fmt.Sprintf("/api/v1/log/proof/inclusion?index=%d&size=%d", i, size))
		if err := tlog.CheckRecord(p, size, root, i, leaves[i]); err != nil {
			fail(fmt.Sprintf("inclusion proof of %d: %v", i, err))
		}
		checked++
	}
	for _, m := range []int64{1, size / 2, size - 1} {
		if m < 1 || m >= size {
			continue
		}
		old, _ := tlog.TreeHash(m, stored)
		p := proof(fmt.Sprintf("/api/v1/log/proof/consistency?from=%d&to=%d", m, size))
		if err := tlog.CheckTree(p, size, root, m, old); err != nil {
			fail(fmt.Sprintf("consistency proof from %d: %v", m, err))
		}
		checked++
	}
	cosigned := map[string]uint64{}
	for _, c := range cosigners {
		if len(c.seen) > 0 {
			cosigned[c.name] = c.seen[len(c.seen)-1]
		}
	}
	out, _ := json.Marshal(map[string]interface{}{
		"origin": lines[0], "size": size, "root": lines[2], "logSignatures": len(n.Sigs), "ignored": len(n.UnverifiedSigs),
		"verifiedSignatures": len(all.Sigs), "cosigned": cosigned, "proofsChecked": checked,
	})
	fmt.Println(string(out))
}
