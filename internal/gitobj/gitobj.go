// Package gitobj computes git object IDs (SHA-1) in pure Go, so the fake
// GitHub can name blobs, trees and commits exactly as git does without git
// being installed: its REST and GraphQL answers then agree with the
// history it serves over git.
package gitobj

import (
	"crypto/sha1"
	"encoding/hex"
	"strconv"
)

// EmptyTree is the object ID of the empty tree.
const EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

// Hash returns the object ID of an object of kind ("blob", "tree",
// "commit", "tag") with content body: SHA-1 over "<kind> <len>\x00<body>".
func Hash(kind string, body []byte) string {
	h := sha1.New()
	h.Write([]byte(kind + " " + strconv.Itoa(len(body)) + "\x00"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// BlobID is the object ID of a file with the given content.
func BlobID(content []byte) string { return Hash("blob", content) }
