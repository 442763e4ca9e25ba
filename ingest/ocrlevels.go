package ingest

import "image"

// A faded copy or a grey scan of yellowed paper has its ink grey, not
// black: its strokes' edges are lighter than darkLevel, so that the
// speckle score takes the few dark pixels left for noise and every
// cleaning (despeckling, thickening, widening) thresholds the strokes
// away. stretchLevels makes such a page's ink black and its paper white
// before anything else; a page with black ink on white paper, as every
// black-and-white scan, is left as it is.

const (
	// minContrast is the distance between the grey levels of paper and ink
	// under which a page's levels are stretched. The grey scans of the
	// tuning set (JPEG at quality 25–40) have their ink within 20 of black;
	// a copy faded by 30–40 % has it at 79–114.
	minContrast = 192
	// inkShare is the share of a page's pixels, the darkest, taken for the
	// level of its ink: the cores of its strokes, not their grey edges,
	// even on a page of a few lines (make testdata-scans: a last page of
	// five lines scanned at 250 dpi has its darkest 0.5 % at 127, its
	// darkest 0.05 % black).
	inkShare = 0.0005
)

// pageLevels returns the grey levels of a page's ink (the level under
// which the darkest inkShare of its pixels are) and of its paper (the
// median level: most of a page is paper).
func pageLevels(img *image.Gray) (ink, paper int) {
	var hist [256]int
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):]
		for _, v := range row[:b.Dx()] {
			hist[v]++
		}
	}
	n := b.Dx() * b.Dy()
	inkAt, paperAt := int(float64(n)*inkShare), n/2
	ink, paper = -1, -1
	sum := 0
	for v, c := range hist {
		sum += c
		if ink < 0 && sum > inkAt {
			ink = v
		}
		if paper < 0 && sum > paperAt {
			paper = v
		}
	}
	return ink, paper
}

// stretchLevels returns img with its grey levels stretched so that its ink
// is black and its paper white, and whether it did so: only when they are
// less than minContrast apart, and more than a tenth of it (a page without
// ink is left alone).
func stretchLevels(img *image.Gray) (*image.Gray, bool) {
	ink, paper := pageLevels(img)
	span := paper - ink
	if span >= minContrast || span*10 < minContrast {
		return img, false
	}
	var lut [256]uint8
	for v := range lut {
		lut[v] = uint8(min(max((v-ink)*255/span, 0), 255))
	}
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		dst := out.Pix[y*out.Stride:]
		for x := 0; x < b.Dx(); x++ {
			dst[x] = lut[row[x]]
		}
	}
	return out, true
}
