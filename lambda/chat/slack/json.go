package slack

import (
	"bytes"
	"sync"

	"github.com/foghornhq/foghorn/lambda/chat"
)

// The message's JSON is written by hand: encoding it by reflection was a third of rendering
// it. Each append method writes exactly what chat.Encode writes for the same value (a nil
// slice is null, omitempty fields are left out when empty), which a test and a fuzz target
// check against chat.Encode.

// encodeMessage returns m's JSON, as chat.Encode writes a message.
func encodeMessage(m message) ([]byte, error) {
	room := buffers.Get().(*[]byte)
	b, err := m.appendFields((*room)[:0], '{')
	return encoded(room, b, err)
}

// encodeBotMessage returns the JSON of botMessage{Channel: channel, message: m}.
func encodeBotMessage(channel string, m message) ([]byte, error) {
	room := buffers.Get().(*[]byte)
	b := chat.AppendString(append((*room)[:0], `{"channel":`...), channel)
	b, err := m.appendFields(b, ',')
	return encoded(room, b, err)
}

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

// appendFields writes sep, then m's fields and the closing brace.
func (m message) appendFields(b []byte, sep byte) ([]byte, error) {
	b = append(b, sep)
	b = append(b, `"text":`...)
	b = chat.AppendString(b, m.Text)
	b = append(b, `,"attachments":`...)
	if m.Attachments == nil {
		return append(b, "null}"...), nil
	}
	b = append(b, '[')
	for i, at := range m.Attachments {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"color":`...)
		b = chat.AppendString(b, at.Color)
		b = append(b, `,"fallback":`...)
		b = chat.AppendString(b, at.Fallback)
		b = append(b, `,"blocks":`...)
		var err error
		if b, err = appendBlocks(b, at.Blocks); err != nil {
			return nil, err
		}
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}

func appendBlocks(b []byte, blocks []block) ([]byte, error) {
	if blocks == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for i, bl := range blocks {
		if i > 0 {
			b = append(b, ',')
		}
		switch v := bl.(type) {
		case headerBlock:
			b = append(b, `{"type":`...)
			b = chat.AppendString(b, v.Type)
			b = append(b, `,"text":`...)
			b = v.Text.appendJSON(b)
			b = append(b, '}')
		case sectionBlock:
			b = append(b, `{"type":`...)
			b = chat.AppendString(b, v.Type)
			if v.Text != nil {
				b = append(b, `,"text":`...)
				b = v.Text.appendJSON(b)
			}
			if len(v.Fields) > 0 {
				b = append(b, `,"fields":`...)
				b = appendTextObjects(b, v.Fields)
			}
			b = append(b, '}')
		case contextBlock:
			b = append(b, `{"type":`...)
			b = chat.AppendString(b, v.Type)
			b = append(b, `,"elements":`...)
			b = appendTextObjects(b, v.Elements)
			b = append(b, '}')
		case actionsBlock:
			b = append(b, `{"type":`...)
			b = chat.AppendString(b, v.Type)
			b = append(b, `,"elements":`...)
			b = appendButtons(b, v.Elements)
			b = append(b, '}')
		default: // the interactive buttons, and nil: rare enough to leave to reflection
			js, err := chat.Encode("slack: encoding the message", bl)
			if err != nil {
				return nil, err
			}
			b = append(b, js...)
		}
	}
	return append(b, ']'), nil
}

func (t textObject) appendJSON(b []byte) []byte {
	b = append(b, `{"type":`...)
	b = chat.AppendString(b, t.Type)
	b = append(b, `,"text":`...)
	b = chat.AppendString(b, t.Text)
	if t.Emoji {
		b = append(b, `,"emoji":true`...)
	}
	if t.Verbatim {
		b = append(b, `,"verbatim":true`...)
	}
	return append(b, '}')
}

func appendTextObjects(b []byte, ts []textObject) []byte {
	if ts == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = t.appendJSON(b)
	}
	return append(b, ']')
}

func appendButtons(b []byte, bs []button) []byte {
	if bs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, bt := range bs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":`...)
		b = chat.AppendString(b, bt.Type)
		b = append(b, `,"text":`...)
		b = bt.Text.appendJSON(b)
		b = append(b, `,"url":`...)
		b = chat.AppendString(b, bt.URL)
		b = append(b, `,"action_id":`...)
		b = chat.AppendString(b, bt.ActionID)
		b = append(b, '}')
	}
	return append(b, ']')
}
