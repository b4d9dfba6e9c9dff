package registry

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// maxSourceFile bounds an official source file read (the BDPM's largest
// file is about 10 MB, the EMA's spreadsheet a few).
const maxSourceFile = 64 << 20

// readSource reads a source file, bounded.
func readSource(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSourceFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxSourceFile {
		return nil, fmt.Errorf("%s: larger than %d MiB", path, maxSourceFile>>20)
	}
	return data, nil
}

// decodeText returns a text file as UTF-8. The BDPM has been published in
// Windows-1252 and in UTF-8 over the years, with no declaration: valid
// UTF-8 is taken as UTF-8 (a Windows-1252 text with accents is almost
// never valid UTF-8), anything else as Windows-1252. A UTF-8 byte order
// mark is dropped.
func decodeText(data []byte) (text, charset string) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return string(data), "UTF-8"
	}
	// Windows-1252 maps every byte to a rune: decoding cannot fail.
	out, _ := charmap.Windows1252.NewDecoder().Bytes(data)
	return string(out), "Windows-1252"
}

// splitLines splits text into lines ended by CRLF, LF or a lone CR (files
// saved by old Mac tools), so that line numbers match what an editor
// shows. A final line without an ending counts; an empty text has none.
func splitLines(text string) []string {
	var lines []string
	for text != "" {
		i := strings.IndexAny(text, "\r\n")
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i])
		if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			i++
		}
		text = text[i+1:]
	}
	return lines
}
