package secure

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// phcPrefix starts every hash we write; v=19 is argon2 version 1.3, the only one we read.
const phcPrefix = "$argon2id$v=19$"

// formatPHC writes the PHC string of an argon2id hash, the same layout
// libargon2 and most other implementations write.
func formatPHC(p Argon2Params, salt, key []byte) string {
	var b strings.Builder
	b.WriteString(phcPrefix)
	b.WriteString("m=")
	b.WriteString(strconv.FormatUint(uint64(p.Memory), 10))
	b.WriteString(",t=")
	b.WriteString(strconv.FormatUint(uint64(p.Time), 10))
	b.WriteString(",p=")
	b.WriteString(strconv.FormatUint(uint64(p.Threads), 10))
	b.WriteByte('$')
	b.WriteString(base64.RawStdEncoding.EncodeToString(salt))
	b.WriteByte('$')
	b.WriteString(base64.RawStdEncoding.EncodeToString(key))
	return b.String()
}

// parsePHC reads a string written by formatPHC. It accepts only the
// canonical form (what formatPHC would write back), so there is exactly one
// spelling of each hash and no surprises from lenient decoders.
func parsePHC(s string) (p Argon2Params, salt, key []byte, err error) {
	rest, ok := strings.CutPrefix(s, phcPrefix)
	if !ok {
		return p, nil, nil, ErrMalformedHash
	}
	fields := strings.Split(rest, "$")
	if len(fields) != 3 {
		return p, nil, nil, ErrMalformedHash
	}
	m, t, th, ok := parseCosts(fields[0])
	if !ok {
		return p, nil, nil, ErrMalformedHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(fields[1])
	key, err2 := base64.RawStdEncoding.DecodeString(fields[2])
	if err1 != nil || err2 != nil {
		return p, nil, nil, ErrMalformedHash
	}
	p = Argon2Params{Memory: m, Time: t, Threads: th, SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if p.validate() != nil || formatPHC(p, salt, key) != s {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

// parseCosts reads "m=65536,t=3,p=2", in that order.
func parseCosts(s string) (m, t uint32, p uint8, ok bool) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return 0, 0, 0, false
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		num, found := strings.CutPrefix(parts[i], name)
		if !found {
			return 0, 0, 0, false
		}
		bits := 32
		if i == 2 {
			bits = 8
		}
		v, err := strconv.ParseUint(num, 10, bits)
		if err != nil {
			return 0, 0, 0, false
		}
		vals[i] = v
	}
	return uint32(vals[0]), uint32(vals[1]), uint8(vals[2]), true
}
