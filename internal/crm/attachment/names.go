package attachment

import (
	"path"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// renderedExtensions are the names of files that a browser shows as a
// page, or that Windows opens as a shortcut, a link, a query or a
// setting, whatever their bytes: a GIF header followed by a script, saved
// as invoice.html, runs when it is opened. They are refused on every
// upload, the public complaint form first.
var renderedExtensions = map[string]bool{
	".html": true, ".htm": true, ".xhtml": true, ".xht": true, ".shtml": true, ".shtm": true, ".stm": true,
	".mht": true, ".mhtml": true, ".svg": true, ".svgz": true, ".xml": true, ".xsl": true, ".xslt": true,
	".xsd": true, ".rss": true, ".atom": true, ".chm": true, ".hlp": true, ".url": true, ".website": true,
	".webloc": true, ".inetloc": true, ".slk": true, ".iqy": true, ".dqy": true, ".rqy": true, ".oqy": true,
	".scf": true, ".desktop": true, ".settingcontent-ms": true, ".appref-ms": true, ".application": true,
	".xbap": true, ".library-ms": true, ".searchconnector-ms": true, ".search-ms": true, ".gadget": true,
	".msc": true, ".xll": true, ".xlam": true, ".xla": true, ".ppam": true, ".docm": true, ".dotm": true,
	".xlsm": true, ".xltm": true, ".pptm": true, ".potm": true, ".ppsm": true, ".sldm": true, ".jnlp": true,
	".swf": true, ".wasm": true,
	".appx": true, ".msix": true, ".appxbundle": true, ".msixbundle": true, ".diagcab": true, ".ms-appinstaller": true,
	".iso": true, ".img": true, ".vhd": true, ".vhdx": true, ".one": true, ".svgx": true, ".xps": true,
}

// typeExtensions are the extensions a name may carry for each accepted
// type, the first being the one given to a name that has none.
var typeExtensions = map[string][]string{
	"image/png":                 {".png"},
	"image/jpeg":                {".jpg", ".jpeg", ".jpe", ".jfif"},
	"image/gif":                 {".gif"},
	"image/webp":                {".webp"},
	"image/bmp":                 {".bmp", ".dib"},
	"application/pdf":           {".pdf"},
	"text/plain; charset=utf-8": {".txt", ".csv", ".tsv", ".log", ".md", ".text"},
	"text/plain":                {".txt", ".csv", ".tsv", ".log", ".md", ".text"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {".docx", ".dotx"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {".xlsx", ".xltx"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx", ".ppsx", ".potx"},
	"application/msword":            {".doc", ".wps"},
	"application/vnd.ms-excel":      {".xls", ".et"},
	"application/vnd.ms-powerpoint": {".ppt"},
}

// extOf is a name's extension as Windows reads it: lower case, after
// the trailing dots and spaces that Windows drops.
func extOf(name string) string {
	return strings.ToLower(path.Ext(strings.TrimRight(name, ". ")))
}

// refusedName says why a name alone is refused — a script or program,
// or a file browsers or Windows render or open — with the catalogue key
// and the extension; "" when the name may carry any accepted type.
func refusedName(name string) (key, ext string) {
	ext = extOf(name)
	switch {
	case programExtensions[ext]:
		return "attachment.type.script_name", ext
	case renderedExtensions[ext]:
		return "attachment.type.rendered_name", ext
	}
	// An NTFS alternate stream or a second name hidden after a colon
	// (a.png:x.html) is refused by the part after it as well.
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		return refusedName(name[i+1:])
	}
	return "", ""
}

// nameFitsType reports whether a name's extension is one the detected
// type may carry; a name without an extension fits (it gets the type's
// own, see withTypeExtension).
func nameFitsType(name, contentType string) bool {
	ext := extOf(name)
	if ext == "" {
		return true
	}
	for _, e := range typeExtensions[contentType] {
		if e == ext {
			return true
		}
	}
	return false
}

// withTypeExtension gives a name without an extension its type's first,
// so that whoever opens the download opens it as what it is; trailing
// dots and spaces (which Windows drops) go.
func withTypeExtension(name, contentType string) string {
	name = strings.TrimRight(name, ". ")
	if name == "" {
		name = "attachment"
	}
	if path.Ext(name) == "" {
		if exts := typeExtensions[contentType]; len(exts) > 0 {
			name += exts[0]
		}
	}
	return name
}

// DownloadName is the name a stored attachment is downloaded under: its
// own when its extension fits its type and is harmless, else its own with
// the type's extension added (invoice.html stored before this rule was
// kept becomes invoice.html.gif), so an old record cannot be opened as a
// page either.
func DownloadName(a Attachment) string {
	name := withTypeExtension(cleanName(a.Name), a.ContentType)
	if key, _ := refusedName(name); key != "" || !nameFitsType(name, a.ContentType) {
		if exts := typeExtensions[a.ContentType]; len(exts) > 0 {
			return name + exts[0]
		}
		return name + ".bin"
	}
	return name
}

// SniffAttachment decides a file's type from its bytes (see sniffBytes),
// then holds the name to it: a name browsers or Windows would render or
// open as a page, a shortcut or a setting (.html, .svg, .mht, .url, .scf,
// .settingcontent-ms …) is refused whatever the bytes, and so is a name
// whose extension contradicts the detected type (a GIF named invoice.pdf).
// Every refusal is unsupported_media_type naming the file and why.
func SniffAttachment(name string, data []byte) (string, error) {
	ct, err := sniffBytes(name, data)
	if err != nil {
		return ct, err
	}
	refuse := func(key string, args ...any) (string, error) {
		return "", crm.FailField(crm.EUnsupportedType, "file", "type", "attachment.file.type", name, msg.M(key, args...))
	}
	if key, ext := refusedName(name); key != "" {
		return refuse(key, ext)
	}
	if !nameFitsType(name, ct) {
		return refuse("attachment.type.mismatch", extOf(name), strings.Split(ct, ";")[0])
	}
	return ct, nil
}
