package flowfile

import (
	"bytes"
	"unicode/utf8"

	"github.com/goccy/go-yaml/token"
)

// checkText rejects what the YAML parser should never see: a file over
// MaxFileSize, NUL bytes and invalid UTF-8 (as package jsonl rejects them
// in a line).
func (l *loader) checkText(data []byte) bool {
	if len(data) > MaxFileSize {
		l.errorf(pos{1, 1}, "the file is larger than %d KiB, the most a flow file may hold", MaxFileSize>>10)
		return false
	}
	if utf8.Valid(data) && bytes.IndexByte(data, 0) < 0 {
		return true
	}
	line, start := 1, 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == '\n':
			line, start = line+1, i+1
		case r == 0:
			l.errorf(pos{line, utf8.RuneCount(data[start:i]) + 1}, "NUL byte: a flow file is UTF-8 text")
			return false
		case r == utf8.RuneError && size == 1:
			l.errorf(pos{line, utf8.RuneCount(data[start:i]) + 1}, "invalid UTF-8 (byte 0x%02x): a flow file is UTF-8 text", data[i])
			return false
		}
		i += size
	}
	return true
}

// checkShape walks the tokens, which the lexer produces in linear time,
// and rejects a shape the parser would take quadratic time or memory over:
// nesting deeper than MaxDepth (flow-style [[[...]]], compact "- - - x",
// indentation), more than MaxEntries keys in one mapping or items in one
// flow-style list.
func (l *loader) checkShape(tks token.Tokens) bool {
	type level struct{ col, keys int } // a block collection at a column
	var (
		block     []level
		flow      []int // per open flow collection: its entries
		lastLine  int
		prev      *token.Token
		props     int  // node properties (tags, anchors) in a row
		content   bool // a token of the document, not of its header
		directive int  // the line of the last directive (%YAML 1.2)
	)
	at := func(tk *token.Token) pos {
		if tk.Position == nil {
			return pos{1, 1}
		}
		return pos{max(tk.Position.Line, 1), max(tk.Position.Column, 1)}
	}
	// enter finds or opens the block level at col, closing deeper ones.
	enter := func(col int) *level {
		for len(block) > 0 && block[len(block)-1].col > col {
			block = block[:len(block)-1]
		}
		if len(block) == 0 || block[len(block)-1].col < col {
			block = append(block, level{col: col})
		}
		return &block[len(block)-1]
	}
	for _, tk := range tks {
		if tk == nil || tk.Position == nil || tk.Type == token.CommentType || tk.Type == token.SpaceType {
			continue
		}
		p := at(tk)
		if tk.Type == token.DirectiveType {
			directive = p.line // its value is the rest of the line
		}
		if p.line != directive && tk.Type != token.DocumentHeaderType && tk.Type != token.DocumentEndType {
			content = true
		}
		if tk.Type == token.TagType || tk.Type == token.AnchorType {
			// A node has at most a tag and an anchor; the parser nests a
			// node per property, so a run of them is a way to nest deeply.
			if props++; props > 2 {
				l.errorf(p, "more than a tag and an anchor on one value")
				return false
			}
		} else {
			props = 0
		}
		switch tk.Type {
		case token.DocumentHeaderType:
			if content {
				// The parser's cost grows with the square of the documents.
				l.errorf(p, "more than one YAML document: a flow file holds one flow")
				return false
			}
			continue
		case token.DocumentEndType, token.DirectiveType:
			continue
		case token.SequenceStartType, token.MappingStartType:
			flow = append(flow, 0)
		case token.SequenceEndType, token.MappingEndType:
			if len(flow) > 0 {
				flow = flow[:len(flow)-1]
			}
		case token.CollectEntryType:
			if len(flow) > 0 {
				flow[len(flow)-1]++
				if flow[len(flow)-1] >= MaxEntries {
					l.errorf(p, "more than %d items in one flow-style mapping or list", MaxEntries)
					return false
				}
			}
		}
		if len(flow) == 0 || (len(flow) == 1 && (tk.Type == token.SequenceStartType || tk.Type == token.MappingStartType)) {
			// Block context (a flow collection's opening bracket sits in it).
			if p.line != lastLine {
				lastLine = p.line
				enter(p.col)
			}
			switch tk.Type {
			case token.SequenceEntryType, token.MappingKeyType:
				enter(p.col)
			case token.MappingValueType:
				kp := p
				if prev != nil && prev.Position != nil && prev.Position.Line == p.line {
					kp = at(prev)
				}
				lv := enter(kp.col)
				lv.keys++
				if lv.keys > MaxEntries {
					l.errorf(kp, "more than %d keys in one mapping", MaxEntries)
					return false
				}
				// What follows on the line is one level deeper.
				block = append(block, level{col: p.col + 1})
			}
		}
		if d := len(block) + len(flow); d > MaxDepth+1 {
			l.errorf(p, "nested more than %d levels deep", MaxDepth)
			return false
		}
		prev = tk
	}
	return true
}
