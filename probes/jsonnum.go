package probes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// JSON from the server is decoded with its numbers kept as json.Number, never
// as float64: a float64 holds 53 bits, so 64-bit ids (snowflake ids are
// ~7.5e18) that differ only in their low bits — two resources created in the
// same millisecond — decode to the same value, and a server that processed
// a request twice would compare as if it had processed it once. Every
// json.Unmarshal of a response body, of list and counter responses and of
// observer command output goes through unmarshalJSON.

// unmarshalJSON is json.Unmarshal with numbers decoded as json.Number: it
// fills v from the single JSON value in b and rejects trailing data.
func unmarshalJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("invalid character after top-level value")
	}
	return nil
}

// canonicalNumbers replaces every json.Number in v (decoded by unmarshalJSON)
// with its canonical spelling, so that compared bodies differ in a number
// only when its value differs: integers exactly, whatever their size or
// spelling ("1", "1.0", "1e0" are one value; 7499462000000000001 and
// 7499462000000000002 are two), other numbers as float64 values, as before.
func canonicalNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		return canonicalNumber(t)
	case map[string]any:
		for k, e := range t {
			t[k] = canonicalNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = canonicalNumbers(e)
		}
	}
	return v
}

func canonicalNumber(n json.Number) json.Number {
	s := n.String()
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return json.Number(strconv.FormatInt(i, 10))
	}
	if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		return json.Number(strconv.FormatUint(u, 10))
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil:
		return n // beyond float64's range: compared as written
	case f == math.Trunc(f) && math.Abs(f) <= 1<<53:
		return json.Number(strconv.FormatInt(int64(f), 10))
	case f != math.Trunc(f):
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
	}
	return n // an integer too large for int64 written with a fraction or exponent
}

// countOf turns the JSON number a counter observer points at into a count:
// an integer, exactly up to int64 (not rounded to float64's 53 bits); "3.0"
// and "3e0" are 3; "2.5" is an error.
func countOf(n json.Number) (int, error) {
	if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil && int64(int(i)) == i {
		return int(i), nil
	}
	f, err := strconv.ParseFloat(n.String(), 64)
	switch {
	case math.IsInf(f, 0) || (err == nil && f == math.Trunc(f) && math.Abs(f) > min(1<<53, math.MaxInt)):
		return 0, fmt.Errorf("%s is too large a count", n)
	case err != nil || f != math.Trunc(f):
		return 0, fmt.Errorf("%s is not a whole number", n)
	}
	return int(f), nil
}
