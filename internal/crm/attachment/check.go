package attachment

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// TooLarge is the error for a file over MaxAttachmentBytes, naming the limit.
func TooLarge(name string) *crm.Error {
	if name != "" {
		return crm.FailField(crm.ETooLarge, "file", "too_large", "attachment.file.too_large_named", name, MaxAttachmentBytes>>20)
	}
	return crm.FailField(crm.ETooLarge, "file", "too_large", "attachment.file.too_large", MaxAttachmentBytes>>20)
}

// officeTypes are the Office formats, by the part their package holds.
var officeTypes = []struct{ dir, contentType string }{
	{"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
}

// legacyOffice are the pre-2007 Office formats (OLE compound files, which
// do not say what they hold in their first bytes), by file extension.
var legacyOffice = map[string]string{
	".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
	".wps": "application/msword", ".et": "application/vnd.ms-excel",
}

// programExtensions are the names of scripts and programs, which a
// double click on a downloaded attachment would run, whatever their bytes
// sniff as (a shell script is plain text).
var programExtensions = map[string]bool{
	".sh": true, ".bash": true, ".zsh": true, ".ksh": true, ".csh": true, ".fish": true, ".command": true, ".run": true,
	".bat": true, ".cmd": true, ".ps1": true, ".psm1": true, ".psd1": true, ".vbs": true, ".vbe": true, ".js": true,
	".jse": true, ".mjs": true, ".cjs": true, ".wsf": true, ".wsh": true, ".hta": true, ".scr": true, ".pif": true,
	".com": true, ".cpl": true, ".exe": true, ".msi": true, ".msp": true, ".dll": true, ".jar": true, ".reg": true,
	".lnk": true, ".inf": true, ".py": true, ".pyw": true, ".pl": true, ".rb": true, ".php": true, ".phtml": true,
	".lua": true, ".apk": true, ".app": true, ".deb": true, ".rpm": true, ".dmg": true, ".pkg": true, ".elf": true,
	".so": true, ".dylib": true,
}

// sniffBytes decides a file's type from its bytes, never from what
// the client claims: images, PDF, plain text and Office documents pass;
// anything else (HTML, SVG, scripts, executables, archives) is refused
// with unsupported_media_type naming the file. A file named as a script
// or program (.sh, .bat, .js, .exe …) and a text starting with #! are
// refused too, whatever their bytes sniff as.
func sniffBytes(name string, data []byte) (string, error) {
	refuse := func(key string, args ...any) (string, error) {
		return "", crm.FailField(crm.EUnsupportedType, "file", "type", "attachment.file.type", name, msg.M(key, args...))
	}
	if len(data) == 0 {
		return "", crm.Invalid(crm.Bad("file", "empty", "attachment.file.empty", name))
	}
	if ext := strings.ToLower(path.Ext(strings.TrimRight(name, ". "))); programExtensions[ext] {
		return refuse("attachment.type.script_name", ext)
	}
	ct := http.DetectContentType(data)
	switch ct {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf":
		return ct, nil
	case "text/plain; charset=utf-8":
		t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\r\n")
		if len(t) > 0 && t[0] == '<' {
			return refuse("attachment.type.markup")
		}
		if bytes.HasPrefix(t, []byte("#!")) {
			return refuse("attachment.type.shebang")
		}
		if !utf8.Valid(data) {
			return "text/plain", nil // GBK and other legacy encodings are still text
		}
		return ct, nil
	case "application/zip":
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return refuse("attachment.type.damaged")
		}
		var types bool
		for _, f := range zr.File {
			if f.Name == "[Content_Types].xml" {
				types = true
			}
		}
		for _, o := range officeTypes {
			for _, f := range zr.File {
				if types && strings.HasPrefix(f.Name, o.dir) {
					return o.contentType, nil
				}
			}
		}
		return refuse("attachment.type.archive")
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
		if t, ok := legacyOffice[strings.ToLower(path.Ext(name))]; ok {
			return t, nil
		}
		return refuse("attachment.type.ole")
	}
	return refuse("attachment.type.other", strings.Split(ct, ";")[0])
}

// cleanName keeps a file name a label: its last path element, without
// control characters, at most 200 characters; "attachment" if nothing is left.
func cleanName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	if name == "" || name == "." || name == "/" || name == ".." {
		name = "attachment"
	}
	return name
}

// CheckUpload validates an upload without storing it: its size, its name and
// its sniffed type. It returns the attachment as it would be stored.
func CheckUpload(up Upload) (Attachment, error) {
	name := cleanName(up.Name)
	if len(up.Data) > MaxAttachmentBytes {
		return Attachment{}, TooLarge(name)
	}
	ct, err := SniffAttachment(name, up.Data)
	if err != nil {
		return Attachment{}, err
	}
	name = withTypeExtension(name, ct)
	sum := sha256.Sum256(up.Data)
	return Attachment{Name: name, ContentType: ct, Size: int64(len(up.Data)), SHA256: hex.EncodeToString(sum[:])}, nil
}

// CheckPublic validates the files of the public form before anything is
// filed: at most MaxPublicAttachments, each within the limits.
func CheckPublic(ups []Upload) error {
	if len(ups) > MaxPublicAttachments {
		return crm.Invalid(crm.Bad("file", "count", "attachment.attach_most_files", MaxPublicAttachments))
	}
	for _, up := range ups {
		if _, err := CheckUpload(up); err != nil {
			return err
		}
	}
	return nil
}
