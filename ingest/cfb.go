package ingest

import (
	"encoding/binary"
	"unicode/utf16"

	"sunshine/models"
)

// The compound file (OLE2, MS-CFB) that holds an .xls workbook. xlsReader's
// own compound-file reader follows sector chains without checking them, so a
// damaged file with a loop in its FAT makes it run forever and grow without
// bound. The upload path therefore never gives it the file as uploaded:
// cfbStream takes the Workbook stream out with every chain bounded, and
// cfbWrap puts that stream alone into a fresh, well-formed compound file
// for xlsReader to read.

const (
	cfbEndOfChain = 0xFFFFFFFE
	cfbFATSector  = 0xFFFFFFFD
	cfbFree       = 0xFFFFFFFF
	cfbMiniCutoff = 4096
)

// cfbStream returns the Workbook (or Book) stream of a compound file, or
// unreadableXLS for a file whose structure is damaged.
func cfbStream(b []byte) ([]byte, error) {
	if len(b) < 512 || string(b[:8]) != string(oleMagic) {
		return nil, unreadableXLS()
	}
	shift := binary.LittleEndian.Uint16(b[0x1E:])
	if shift != 9 && shift != 12 {
		return nil, unreadableXLS()
	}
	size := 1 << shift
	if len(b) < size {
		return nil, unreadableXLS()
	}
	// The sectors the file holds after its header sector; a chain pointing past them is damage.
	sectors := (len(b) - size + size - 1) / size
	sector := func(id uint32) ([]byte, bool) {
		if int64(id) >= int64(sectors) {
			return nil, false
		}
		start := (int(id) + 1) * size
		if start >= len(b) {
			return nil, false
		}
		out := make([]byte, size)
		copy(out, b[start:])
		return out, true
	}
	u32 := func(p []byte, i int) uint32 { return binary.LittleEndian.Uint32(p[i:]) }
	// The FAT: the sectors the header's DIFAT lists, then those of the DIFAT chain.
	var fatSectors []uint32
	for i := 0; i < 109; i++ {
		if id := u32(b, 0x4C+4*i); id < cfbFATSector {
			fatSectors = append(fatSectors, id)
		}
	}
	seen := map[uint32]bool{}
	for id, n := u32(b, 0x44), 0; id < cfbFATSector; n++ {
		if seen[id] || n > sectors {
			return nil, unreadableXLS()
		}
		seen[id] = true
		s, ok := sector(id)
		if !ok {
			return nil, unreadableXLS()
		}
		for i := 0; i < size/4-1; i++ {
			if v := u32(s, 4*i); v < cfbFATSector {
				fatSectors = append(fatSectors, v)
			}
		}
		id = u32(s, size-4)
	}
	if len(fatSectors) > sectors {
		return nil, unreadableXLS()
	}
	var fat []uint32
	for _, id := range fatSectors {
		s, ok := sector(id)
		if !ok {
			return nil, unreadableXLS()
		}
		for i := 0; i < size/4; i++ {
			fat = append(fat, u32(s, 4*i))
		}
	}
	// chain reads a chain of sectors (of the FAT, or of the mini FAT in the
	// mini stream), refusing a loop, a chain longer than the table, or a
	// sector outside it.
	chain := func(start uint32, table []uint32, read func(uint32) ([]byte, bool), limit int) ([]byte, error) {
		var out []byte
		visited := map[uint32]bool{}
		for id := start; id != cfbEndOfChain; id = table[id] {
			if visited[id] || int(id) >= len(table) || len(out) > limit {
				return nil, unreadableXLS()
			}
			visited[id] = true
			s, ok := read(id)
			if !ok {
				return nil, unreadableXLS()
			}
			out = append(out, s...)
		}
		return out, nil
	}
	dir, err := chain(u32(b, 0x30), fat, sector, len(b))
	if err != nil {
		return nil, err
	}
	var root, book []byte
	for i := 0; i+128 <= len(dir); i += 128 {
		e := dir[i : i+128]
		n := int(binary.LittleEndian.Uint16(e[0x40:]))
		if n < 2 || n > 64 {
			continue
		}
		units := make([]uint16, n/2-1)
		for j := range units {
			units[j] = binary.LittleEndian.Uint16(e[2*j:])
		}
		switch string(utf16.Decode(units)) {
		case "Root Entry":
			if e[0x42] == 5 && root == nil {
				root = e
			}
		case "Workbook":
			if e[0x42] == 2 {
				book = e
			}
		case "Book":
			if e[0x42] == 2 && book == nil {
				book = e
			}
		}
	}
	if book == nil || root == nil {
		return nil, unreadableXLS()
	}
	length := int64(u32(book, 0x78))
	if length > int64(len(b)) {
		return nil, unreadableXLS()
	}
	var data []byte
	if length >= cfbMiniCutoff {
		data, err = chain(u32(book, 0x74), fat, sector, len(b))
	} else {
		// A small stream lives in the mini stream (the root's chain), in 64-byte
		// sectors chained by the mini FAT.
		var ministream, minifatBytes []byte
		if ministream, err = chain(u32(root, 0x74), fat, sector, len(b)); err != nil {
			return nil, err
		}
		if minifatBytes, err = chain(u32(b, 0x3C), fat, sector, len(b)); err != nil {
			return nil, err
		}
		minifat := make([]uint32, len(minifatBytes)/4)
		for i := range minifat {
			minifat[i] = u32(minifatBytes, 4*i)
		}
		mini := func(id uint32) ([]byte, bool) {
			start := int(id) * 64
			if start+64 > len(ministream) {
				return nil, false
			}
			return ministream[start : start+64], true
		}
		data, err = chain(u32(book, 0x74), minifat, mini, len(b))
	}
	if err != nil {
		return nil, err
	}
	if int64(len(data)) < length {
		return nil, unreadableXLS()
	}
	return data[:length], nil
}

// cfbWrap writes stream as the Workbook stream of a new compound file
// (version 3, 512-byte sectors): the stream's sectors, then the FAT, then one
// directory sector with the root and the stream. The stream is padded to at
// least the mini-stream cutoff so it is read through the FAT. A stream too
// large for the header's 109 FAT sectors (about 6.9 MB) is refused.
func cfbWrap(stream []byte) ([]byte, error) {
	const size = 512
	if len(stream) < cfbMiniCutoff {
		stream = append(stream, make([]byte, cfbMiniCutoff-len(stream))...)
	}
	n := (len(stream) + size - 1) / size
	fatCount := (n + 1 + 127) / 127 // 128 entries a sector, one of them for itself
	for (n+fatCount+1+127)/128 > fatCount {
		fatCount++
	}
	if fatCount > 109 {
		return nil, models.Errorf(models.EINVALID, ".xls 工作簿的数据超过约 6.9 MB，请另存为 .xlsx 后再上传")
	}
	dirSector := n + fatCount
	total := dirSector + 1
	out := make([]byte, size*(total+1))
	h := out[:size]
	copy(h, oleMagic)
	binary.LittleEndian.PutUint16(h[0x18:], 0x003E) // minor version
	binary.LittleEndian.PutUint16(h[0x1A:], 3)      // major version
	binary.LittleEndian.PutUint16(h[0x1C:], 0xFFFE) // byte order
	binary.LittleEndian.PutUint16(h[0x1E:], 9)      // 512-byte sectors
	binary.LittleEndian.PutUint16(h[0x20:], 6)      // 64-byte mini sectors
	binary.LittleEndian.PutUint32(h[0x2C:], uint32(fatCount))
	binary.LittleEndian.PutUint32(h[0x30:], uint32(dirSector))
	binary.LittleEndian.PutUint32(h[0x38:], cfbMiniCutoff)
	binary.LittleEndian.PutUint32(h[0x3C:], cfbEndOfChain) // no mini FAT
	binary.LittleEndian.PutUint32(h[0x44:], cfbEndOfChain) // no DIFAT sectors
	for i := 0; i < 109; i++ {
		v := uint32(cfbFree)
		if i < fatCount {
			v = uint32(n + i)
		}
		binary.LittleEndian.PutUint32(h[0x4C+4*i:], v)
	}
	copy(out[size:], stream)
	fat := make([]uint32, fatCount*128)
	for i := range fat {
		fat[i] = cfbFree
	}
	for i := 0; i < n; i++ {
		fat[i] = uint32(i + 1)
	}
	fat[n-1] = cfbEndOfChain
	for i := 0; i < fatCount; i++ {
		fat[n+i] = cfbFATSector
	}
	fat[dirSector] = cfbEndOfChain
	for i, v := range fat {
		binary.LittleEndian.PutUint32(out[size*(1+n)+4*i:], v)
	}
	dir := out[size*(1+dirSector):]
	entry := func(e []byte, name string, typ byte, child, start uint32, length int) {
		units := utf16.Encode([]rune(name))
		for j, u := range units {
			binary.LittleEndian.PutUint16(e[2*j:], u)
		}
		binary.LittleEndian.PutUint16(e[0x40:], uint16(2*len(units)+2))
		e[0x42], e[0x43] = typ, 1 // black
		binary.LittleEndian.PutUint32(e[0x44:], cfbFree)
		binary.LittleEndian.PutUint32(e[0x48:], cfbFree)
		binary.LittleEndian.PutUint32(e[0x4C:], child)
		binary.LittleEndian.PutUint32(e[0x74:], start)
		binary.LittleEndian.PutUint32(e[0x78:], uint32(length))
	}
	entry(dir[0:128], "Root Entry", 5, 1, cfbEndOfChain, 0)
	entry(dir[128:256], "Workbook", 2, cfbFree, 0, len(stream))
	for i := 2; i < 4; i++ {
		e := dir[128*i : 128*i+128]
		binary.LittleEndian.PutUint32(e[0x44:], cfbFree)
		binary.LittleEndian.PutUint32(e[0x48:], cfbFree)
		binary.LittleEndian.PutUint32(e[0x4C:], cfbFree)
	}
	return out, nil
}
