package secure

import (
	"bytes"
	"encoding/base64"
	"maps"
	"strings"
	"testing"
)

// testKey returns a recognisable key: 32 copies of b.
func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, keyLen) }

// b64 is the key-file spelling of testKey(b).
func b64(b byte) string { return base64.StdEncoding.EncodeToString(testKey(b)) }

func TestParseKeyFile(t *testing.T) {
	good := "index:" + b64(0) + "\nv1:" + b64(1) + "\nv2:" + b64(2) + "\ncurrent:v2\n"
	t.Run("a file we wrote reads back the same", func(t *testing.T) {
		ks := &keySet{index: testKey(0), keys: map[uint32][]byte{1: testKey(1), 7: testKey(7)}, current: 7}
		back, err := parseKeyFile(ks.format())
		if err != nil || !bytes.Equal(back.index, ks.index) || back.current != 7 ||
			!maps.EqualFunc(back.keys, ks.keys, bytes.Equal) {
			t.Errorf("parseKeyFile(format) = %+v, %v", back, err)
		}
	})
	t.Run("comments, blank lines, CRLF and spaces around values are accepted", func(t *testing.T) {
		text := "# keys\r\n\r\n  index : " + b64(0) + "\r\nv1:" + b64(1) + "\r\ncurrent: v1\r\n"
		if ks, err := parseKeyFile([]byte(text)); err != nil || ks.current != 1 {
			t.Errorf("parseKeyFile = %+v, %v", ks, err)
		}
	})
	tests := []struct{ name, text, wantErr string }{
		{"an empty file is refused", "", "no index key"},
		{"a file without data keys is refused", "index:" + b64(0) + "\n", "no data keys"},
		{"a file without current is refused", strings.Replace(good, "current:v2\n", "", 1), "no \"current"},
		{"a current naming a missing key is refused", strings.Replace(good, "current:v2", "current:v3", 1), "no such key"},
		{"two current lines are refused", good + "current:v1\n", "line 5"},
		{"two index keys are refused", good + "index:" + b64(3) + "\n", "second index key"},
		{"a repeated version is refused", good + "v1:" + b64(3) + "\n", "second key with version v1"},
		{"version zero is refused", good + "v0:" + b64(3) + "\n", "unknown entry"},
		{"a version with a leading zero is refused", good + "v03:" + b64(3) + "\n", "unknown entry"},
		{"an unknown entry is refused", good + "extra:" + b64(3) + "\n", "unknown entry"},
		{"a line without a colon is refused", good + "v3 " + b64(3) + "\n", "line 5"},
		{"a 16-byte key is refused", good + "v3:" + base64.StdEncoding.EncodeToString(make([]byte, 16)) + "\n", "32 bytes"},
		{"unpadded base64 is refused", good + "v3:" + base64.RawStdEncoding.EncodeToString(testKey(3)) + "\n", "line 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseKeyFile([]byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseKeyFile: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func FuzzParseKeyFile(f *testing.F) {
	f.Add([]byte("index:" + b64(0) + "\nv1:" + b64(1) + "\ncurrent:v1\n"))
	f.Add([]byte("# c\r\nindex:" + b64(0) + "\r\nv4294967295:" + b64(1) + "\r\ncurrent:v4294967295"))
	f.Add([]byte("v1:\ncurrent:\nindex:"))
	f.Add([]byte(":::\n\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ks, err := parseKeyFile(data)
		if err != nil {
			return
		}
		if len(ks.index) != keyLen || len(ks.keys[ks.current]) != keyLen {
			t.Fatalf("accepted a key set without a full index or current key: %q", data)
		}
		again, err := parseKeyFile(ks.format())
		if err != nil || again.current != ks.current || !again.covers(ks) || !ks.covers(again) {
			t.Fatalf("format does not read back: %v", err)
		}
	})
}
