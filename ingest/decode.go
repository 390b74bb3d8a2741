package ingest

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"sunshine/models"
)

// textEncoding is how the bytes of a CSV file are decoded.
type textEncoding int

const (
	encUndecided textEncoding = iota // only ASCII seen so far: both encodings agree
	encUTF8
	encGB18030
)

func (e textEncoding) String() string {
	if e == encGB18030 {
		return "GB18030(GBK)"
	}
	return "UTF-8"
}

// badBytes is one run of bytes that the file's encoding cannot decode. Off is
// where the decoder wrote U+FFFD for it in the decoded stream, so that the CSV
// layer (which counts offsets in that stream) can tell which record it is in.
type badBytes struct {
	off int64
	raw []byte
}

// decoder turns the raw bytes of a CSV file into UTF-8, streaming.
//
// It decides the encoding itself: a UTF-8 BOM means UTF-8; otherwise bytes pass
// through while they are ASCII (on which UTF-8 and GB18030 agree), and at the
// first non-ASCII byte a window of up to sniffWindow bytes is tried as both:
// UTF-8 wins when it decodes cleanly or almost cleanly (a UTF-8 file with a
// stray bad byte must not be mistaken for GBK, whose byte ranges are wide enough
// to swallow UTF-8), else GB18030 when it has fewer errors.
//
// x/text's decoders write U+FFFD for bad input without saying so, which would
// silently corrupt a figure or a name; this decoder checks every sequence
// itself, still writes U+FFFD (so a cell is visibly damaged) and records each
// run in bad, which the CSV layer turns into an encoding.invalid finding naming
// the row. Nothing is buffered beyond one read chunk and the sniff window.
type decoder struct {
	src      io.Reader
	srcEOF   bool
	started  bool
	enc      textEncoding
	raw      []byte // undecoded input
	out      []byte // decoded output not yet returned
	outStart int
	produced int64 // bytes ever appended to out: the offset of out's end in the decoded stream
	bad      []badBytes
	// lastBadEnd is the value of produced right after the last U+FFFD written for bad input.
	lastBadEnd int64
	gb         transform.Transformer
	scratch    []byte
}

const (
	readChunk   = 32 << 10
	sniffWindow = 64 << 10
)

func newDecoder(r io.Reader) *decoder {
	return &decoder{src: r, gb: simplifiedchinese.GB18030.NewDecoder()}
}

// Read implements io.Reader over the decoded text.
func (d *decoder) Read(p []byte) (int, error) {
	for d.outStart == len(d.out) {
		d.out, d.outStart = d.out[:0], 0
		if d.srcEOF && len(d.raw) == 0 {
			return 0, io.EOF
		}
		if err := d.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, d.out[d.outStart:])
	d.outStart += n
	return n, nil
}

// takeBad returns and forgets the bad runs that lie before offset end of the
// decoded stream.
func (d *decoder) takeBad(end int64) []badBytes {
	i := 0
	for i < len(d.bad) && d.bad[i].off < end {
		i++
	}
	if i == 0 {
		return nil
	}
	got := append([]badBytes(nil), d.bad[:i]...)
	d.bad = append(d.bad[:0], d.bad[i:]...)
	return got
}

// readMore appends up to one chunk of input to d.raw.
func (d *decoder) readMore() error {
	if d.srcEOF {
		return nil
	}
	if cap(d.raw)-len(d.raw) < readChunk {
		grown := make([]byte, len(d.raw), len(d.raw)+readChunk)
		copy(grown, d.raw)
		d.raw = grown
	}
	n, err := d.src.Read(d.raw[len(d.raw):cap(d.raw)])
	d.raw = d.raw[:len(d.raw)+n]
	if errors.Is(err, io.EOF) {
		d.srcEOF = true
		return nil
	}
	return err
}

// fill decodes at least one byte of output, or reaches the end of the input.
func (d *decoder) fill() error {
	if err := d.readMore(); err != nil {
		return err
	}
	if !d.started {
		if len(d.raw) < 4 && !d.srcEOF {
			return nil // wait for enough bytes to see a byte-order mark
		}
		if err := d.start(); err != nil {
			return err
		}
	}
	if d.enc == encUndecided {
		i := 0
		for i < len(d.raw) && d.raw[i] < utf8.RuneSelf {
			i++
		}
		d.emit(d.raw[:i])
		d.consume(i)
		if len(d.raw) == 0 {
			return nil
		}
		for len(d.raw) < sniffWindow && !d.srcEOF {
			if err := d.readMore(); err != nil {
				return err
			}
		}
		d.enc = sniffEncoding(d.raw[:min(len(d.raw), sniffWindow)], d.srcEOF && len(d.raw) <= sniffWindow)
	}
	var n int
	if d.enc == encGB18030 {
		n = d.decodeGB18030(d.raw, d.srcEOF)
	} else {
		n = d.decodeUTF8(d.raw, d.srcEOF)
	}
	d.consume(n)
	return nil
}

// start looks at the first bytes for a byte-order mark.
func (d *decoder) start() error {
	d.started = true
	switch {
	case bytes.HasPrefix(d.raw, []byte("\xEF\xBB\xBF")):
		d.enc = encUTF8
		d.consume(3)
	case bytes.HasPrefix(d.raw, []byte("\x84\x31\x95\x33")):
		d.enc = encGB18030
		d.consume(4)
	case bytes.HasPrefix(d.raw, []byte("\xFF\xFE")), bytes.HasPrefix(d.raw, []byte("\xFE\xFF")):
		return models.Errorf(models.EINVALID, "文件是 UTF-16 编码（Excel 的“Unicode 文本”格式），请另存为“CSV UTF-8”或 CSV（GBK）后再上传")
	}
	return nil
}

func (d *decoder) consume(n int) {
	d.raw = d.raw[:copy(d.raw, d.raw[n:])]
}

func (d *decoder) emit(b []byte) {
	d.out = append(d.out, b...)
	d.produced += int64(len(b))
}

// emitBad writes U+FFFD for an undecodable run and remembers where it was.
func (d *decoder) emitBad(raw []byte) {
	if n := len(d.bad); n > 0 && d.lastBadEnd == d.produced {
		if len(d.bad[n-1].raw) < 8 { // one run of bad bytes is one problem; a few bytes identify it
			d.bad[n-1].raw = append(d.bad[n-1].raw, raw...)
		}
	} else {
		d.bad = append(d.bad, badBytes{off: d.produced, raw: append([]byte(nil), raw...)})
	}
	d.emit([]byte("\uFFFD"))
	d.lastBadEnd = d.produced
}

// decodeUTF8 copies valid UTF-8 and flags every invalid byte. It returns how
// many bytes of b it consumed: an incomplete sequence at the end waits for more
// input unless atEOF.
func (d *decoder) decodeUTF8(b []byte, atEOF bool) int {
	end := len(b)
	if !atEOF {
		end -= incompleteUTF8Tail(b)
	}
	if utf8.Valid(b[:end]) {
		d.emit(b[:end])
		return end
	}
	start := 0
	for i := 0; i < end; {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:end])
		if r == utf8.RuneError && size == 1 {
			d.emit(b[start:i])
			d.emitBad(b[i : i+1])
			i++
			start = i
			continue
		}
		i += size
	}
	d.emit(b[start:end])
	return end
}

// incompleteUTF8Tail returns the length of a UTF-8 sequence cut off at the end of b.
func incompleteUTF8Tail(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < 0x80 {
			return 0
		}
		if c >= 0xC0 { // a leading byte
			if utf8.FullRune(b[len(b)-k:]) {
				return 0
			}
			return k
		}
	}
	return 0
}

// gbSeqLen returns the length of the GB18030 sequence at the start of b: 1, 2
// or 4; 0 when b ends inside a sequence that more bytes could complete; -1 when
// the first byte cannot start a sequence that b continues.
func gbSeqLen(b []byte) int {
	c0 := b[0]
	switch {
	case c0 < 0x80:
		return 1
	case c0 == 0x80:
		return 1 // code page 936 writes € as 0x80; x/text decodes it so
	case c0 == 0xFF:
		return -1
	}
	if len(b) < 2 {
		return 0
	}
	c1 := b[1]
	switch {
	case 0x40 <= c1 && c1 <= 0x7E, 0x80 <= c1 && c1 <= 0xFE:
		return 2
	case 0x30 <= c1 && c1 <= 0x39:
		if len(b) >= 3 && (b[2] < 0x81 || b[2] == 0xFF) {
			return -1
		}
		if len(b) < 4 {
			return 0
		}
		if 0x30 <= b[3] && b[3] <= 0x39 {
			return 4
		}
	}
	return -1
}

// decodeGB18030 decodes runs of well-formed sequences with x/text and flags
// malformed bytes. A well-formed sequence can still be unassigned (x/text then
// writes U+FFFD): a run whose output has U+FFFD is decoded again sequence by
// sequence to find which. Returns how many bytes of b it consumed.
func (d *decoder) decodeGB18030(b []byte, atEOF bool) int {
	i, runStart := 0, 0
	for i < len(b) {
		n := gbSeqLen(b[i:])
		if n == 0 && !atEOF {
			break
		}
		if n > 0 {
			i += n
			continue
		}
		d.decodeGBRun(b[runStart:i])
		d.emitBad(b[i : i+1])
		i++
		runStart = i
	}
	d.decodeGBRun(b[runStart:i])
	return i
}

// legitReplacement is U+FFFD itself encoded in GB18030.
var legitReplacement = []byte{0x84, 0x31, 0xA4, 0x37}

func (d *decoder) decodeGBRun(run []byte) {
	if len(run) == 0 {
		return
	}
	before := len(d.out)
	d.out = d.transformGB(d.out, run)
	decoded := d.out[before:]
	if !bytes.Contains(decoded, []byte("\uFFFD")) {
		d.produced += int64(len(decoded))
		return
	}
	d.out = d.out[:before] // slow path, only for files with unassigned codes
	for i := 0; i < len(run); {
		n := gbSeqLen(run[i:])
		seq := run[i : i+n]
		at := len(d.out)
		d.out = d.transformGB(d.out, seq)
		if bytes.Contains(d.out[at:], []byte("\uFFFD")) && !bytes.Equal(seq, legitReplacement) {
			d.out = d.out[:at]
			d.emitBad(seq)
		} else {
			d.produced += int64(len(d.out) - at)
		}
		i += n
	}
}

// transformGB appends the x/text decoding of src (complete sequences only) to dst.
func (d *decoder) transformGB(dst, src []byte) []byte {
	if need := len(src)*3 + 4; cap(d.scratch) < need { // 0x80 (1 byte) decodes to € (3 bytes)
		d.scratch = make([]byte, need)
	}
	d.gb.Reset()
	n, _, err := d.gb.Transform(d.scratch[:cap(d.scratch)], src, true)
	if err != nil { // cannot happen: complete input, and room for the largest growth
		panic("ingest: GB18030 transform: " + err.Error())
	}
	return append(dst, d.scratch[:n]...)
}

// sniffEncoding decides between UTF-8 and GB18030 from a window of input that
// starts at the first non-ASCII byte.
func sniffEncoding(b []byte, atEOF bool) textEncoding {
	if !atEOF {
		b = b[:len(b)-incompleteUTF8Tail(b)]
	}
	var utf8Bad, utf8Multi int
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			utf8Bad++
		} else {
			utf8Multi++
		}
		i += size
	}
	if utf8Bad == 0 || utf8Multi >= 4*utf8Bad {
		return encUTF8
	}
	gbBad := 0
	for i := 0; i < len(b); {
		n := gbSeqLen(b[i:])
		if n <= 0 {
			if n == 0 && !atEOF {
				break
			}
			gbBad++
			n = 1
		}
		i += n
	}
	if gbBad <= utf8Bad {
		return encGB18030
	}
	return encUTF8
}
