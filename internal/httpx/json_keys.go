package httpx

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// duplicateKey finds the first object key that a JSON document gives
// twice in one object, and returns its path ("contacts[1].name"). The
// standard decoder keeps the last of two such values without a word, so
// a client that sends both gets one of them silently (keys that differ
// only in case count as one, as the decoder reads them); Kehu refuses the
// document instead. A malformed document has none: the decoder reports
// what is wrong with it.
func duplicateKey(b []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	path, dup := walkValue(dec, "")
	return path, dup
}

// walkValue reads one value and reports the first duplicate key in it.
func walkValue(dec *json.Decoder, at string) (string, bool) {
	tok, err := dec.Token()
	if err != nil {
		return "", false
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return "", false
			}
			key, _ := k.(string)
			path := key
			if at != "" {
				path = at + "." + key
			}
			// The decoder matches a struct's fields without regard to
			// case, so "name" and "NAME" are one field given twice.
			folded := strings.ToLower(key)
			if seen[folded] {
				return path, true
			}
			seen[folded] = true
			if p, dup := walkValue(dec, path); dup {
				return p, true
			}
		}
		_, _ = dec.Token() // }
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if p, dup := walkValue(dec, at+"["+strconv.Itoa(i)+"]"); dup {
				return p, true
			}
		}
		_, _ = dec.Token() // ]
	}
	return "", false
}
