package openapi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// parseJSON decodes JSON into the generic tree, with the lines of
// operations and big numbers kept (see tree.go). It is a small strict
// parser; when it refuses a document, encoding/json has the last word, so
// errors read as they always did.
func parseJSON(data []byte) (any, error) {
	p := &jsonParser{data: data, line: 1}
	v, err := p.value(0)
	if err == nil {
		p.space()
		if p.i < len(p.data) {
			err = p.errorf("data after the top-level value")
		}
	}
	if err == nil {
		return v, nil
	}
	var std any
	if jerr := json.Unmarshal(data, &std); jerr != nil {
		return nil, fmt.Errorf("parse JSON: %w", jerr)
	}
	if _, big := err.(*jsonBigError); big {
		return nil, fmt.Errorf("parse JSON: %w", err)
	}
	return std, nil // accepted by encoding/json: no lines, but loaded
}

// jsonParser reads one JSON value from data.
type jsonParser struct {
	data []byte
	i    int
	line int
}

// jsonBigError is an error encoding/json would not make: a parse that
// stopped for a reason other than the syntax.
type jsonBigError struct{ msg string }

func (e *jsonBigError) Error() string { return e.msg }

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: "+format, append([]any{p.line}, args...)...)
}

// space skips white space, counting lines.
func (p *jsonParser) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case '\n':
			p.line++
		case ' ', '\t', '\r':
		default:
			return
		}
		p.i++
	}
}

func (p *jsonParser) value(depth int) (any, error) {
	if depth > maxNesting {
		return nil, &jsonBigError{fmt.Sprintf("line %d: nested too deeply", p.line)}
	}
	p.space()
	if p.i >= len(p.data) {
		return nil, p.errorf("unexpected end")
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		for _, lit := range []struct {
			text string
			v    any
		}{{"true", true}, {"false", false}, {"null", nil}} {
			if len(p.data)-p.i >= len(lit.text) && string(p.data[p.i:p.i+len(lit.text)]) == lit.text {
				p.i += len(lit.text)
				return lit.v, nil
			}
		}
	}
	return nil, p.errorf("unexpected character")
}

func (p *jsonParser) object(depth int) (any, error) {
	p.i++ // {
	m := map[string]any{}
	p.space()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return m, nil
	}
	for {
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, p.errorf("expected a key")
		}
		line := p.line
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, p.errorf("expected ':'")
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if om, ok := v.(map[string]any); ok && isMethod(k) {
			om[posKey] = srcPos{line: line}
		}
		m[k] = v
		p.space()
		if p.i >= len(p.data) {
			return nil, p.errorf("unexpected end")
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return m, nil
		default:
			return nil, p.errorf("expected ',' or '}'")
		}
	}
}

func (p *jsonParser) array(depth int) (any, error) {
	p.i++ // [
	out := []any{}
	p.space()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return out, nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.space()
		if p.i >= len(p.data) {
			return nil, p.errorf("unexpected end")
		}
		switch p.data[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return out, nil
		default:
			return nil, p.errorf("expected ',' or ']'")
		}
	}
}

// str reads a string; escapes and non-ASCII text go through encoding/json.
func (p *jsonParser) str() (string, error) {
	start := p.i
	p.i++ // "
	plain := true
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			if plain {
				return string(p.data[start+1 : p.i-1]), nil
			}
			var s string
			if err := json.Unmarshal(p.data[start:p.i], &s); err != nil {
				return "", p.errorf("bad string")
			}
			return s, nil
		case c == '\\':
			plain = false
			p.i += 2
			continue
		case c < 0x20:
			return "", p.errorf("control character in string")
		case c >= utf8.RuneSelf:
			plain = false
		}
		p.i++
	}
	return "", p.errorf("unterminated string")
}

// number reads a number by JSON's grammar.
func (p *jsonParser) number() (any, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.data[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.data) && p.data[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, p.errorf("bad number")
	}
	if p.i < len(p.data) && p.data[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	if p.i < len(p.data) && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.i < len(p.data) && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	text := string(p.data[start:p.i])
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		return f, nil
	}
	return bigNumber{text: text, line: p.line}, nil
}
