package slack

import (
	"bytes"
	"sync"
)

// buffers keep the room messages are written in: each body is then copied out at its size,
// so that a message kept for delivery holds no spare room.
var buffers = sync.Pool{New: func() any { return new([]byte) }}

// encoded returns a copy of b, written in room, and gives room back.
func encoded(room *[]byte, b []byte, err error) ([]byte, error) {
	var out []byte
	if err == nil {
		out = bytes.Clone(b)
	}
	if cap(b) <= 64<<10 {
		*room = b[:0]
		buffers.Put(room)
	}
	return out, err
}
