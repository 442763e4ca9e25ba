package ingest

import (
	"image"
	"math"
)

// A page scanned askew is read worse the longer its lines are: a line of a
// bulletin drifts by more than its own height across the page at 2°, and a
// blurred scan loses a tenth of its characters to that (make
// testdata-scans). skewAngle measures the tilt of the text lines by their
// projection profile and deskew turns the page level before OCR.

const (
	// maxSkew is the largest tilt, in degrees, that skewAngle looks for.
	maxSkew = 6.0
	// minSkew is the tilt, in degrees, under which a page is read as it
	// is: tesseract copes with less, and turning a page blurs it.
	minSkew = 0.3
)

// skewAngle returns the angle, in degrees, by which the text lines of img
// descend to the right (negative: they rise), between -maxSkew and
// maxSkew: the angle whose sheared horizontal projection of the ink is the
// most peaked (the sum of the squares of its rows' ink counts is largest).
// A page without ink is level.
func skewAngle(img *image.Gray) float64 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	// Every other column is enough to see a line, and half the work
	// (every other row would favour the level, whose sampled rows fall
	// in every other bin).
	var xs, ys []int32
	for y := 0; y < h; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := 0; x < w; x += 2 {
			if row[x] < darkLevel {
				xs = append(xs, int32(x))
				ys = append(ys, int32(y))
			}
		}
	}
	if len(xs) == 0 {
		return 0
	}
	counts := make([]int32, h+2*w+2)
	score := func(deg float64) float64 {
		t := math.Tan(deg * math.Pi / 180)
		clear(counts)
		off := float64(w) + 1
		for i := range xs {
			r := int(float64(ys[i]) - float64(xs[i])*t + off)
			counts[r]++
		}
		var s float64
		for _, c := range counts {
			s += float64(c) * float64(c)
		}
		return s
	}
	best, bestScore := 0.0, score(0)
	search := func(from, to, step float64) {
		for a := from; a <= to+step/2; a += step {
			if s := score(a); s > bestScore {
				best, bestScore = a, s
			}
		}
	}
	search(-maxSkew, maxSkew, 0.25)
	c := best
	search(c-0.25, c+0.25, 0.025)
	return math.Round(best*1000) / 1000
}

// rotate returns img turned by deg degrees counter-clockwise about its
// centre (as a page whose lines descend to the right by deg is levelled),
// with bilinear interpolation and white paper where the turned page does
// not reach.
func rotate(img *image.Gray, deg float64) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w-1)/2, float64(h-1)/2
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 255
		}
		return float64(img.Pix[img.PixOffset(b.Min.X+x, b.Min.Y+y)])
	}
	for y := 0; y < h; y++ {
		dy := float64(y) - cy
		for x := 0; x < w; x++ {
			dx := float64(x) - cx
			// The point of the tilted page that lands at (x, y).
			sx := cx + dx*cos - dy*sin
			sy := cy + dx*sin + dy*cos
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			v := (at(x0, y0)*(1-fx)+at(x0+1, y0)*fx)*(1-fy) + (at(x0, y0+1)*(1-fx)+at(x0+1, y0+1)*fx)*fy
			out.Pix[y*w+x] = uint8(math.Round(v))
		}
	}
	return out
}

// deskew returns img levelled when its lines tilt by minSkew or more, and
// the angle they tilted by; a level page is returned as it is, with 0.
func deskew(img *image.Gray) (*image.Gray, float64) {
	a := skewAngle(img)
	if math.Abs(a) < minSkew {
		return img, 0
	}
	return rotate(img, a), a
}
