package ingest

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

// tiltedPage draws lines of "characters" (small ink blocks with gaps) on
// a white page, descending to the right by deg degrees, with a share of
// its pixels flipped.
func tiltedPage(deg, noise float64) *image.Gray {
	const w, h = 800, 1000
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	t := math.Tan(deg * math.Pi / 180)
	for line := 0; line < 20; line++ {
		y0 := 100 + line*40
		for x := 60; x < w-60; x++ {
			if x%24 >= 18 {
				continue // the gap between characters
			}
			for dy := 0; dy < 18; dy++ {
				// Two strokes across each character, one down it.
				if dy != 2 && dy != 9 && dy != 16 && x%24 != 8 {
					continue
				}
				y := int(math.Round(float64(y0+dy) + float64(x)*t))
				if y >= 0 && y < h {
					g.Pix[y*w+x] = 0
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(uint64(deg*1000)+7, 2))
	for i := range g.Pix {
		if r.Float64() < noise {
			g.Pix[i] = 255 - g.Pix[i]
		}
	}
	return g
}

func TestSkewAngle(t *testing.T) {
	for _, c := range []struct {
		deg, noise float64
	}{
		{0, 0}, {0.2, 0}, {1.5, 0}, {-2.5, 0}, {2, 0.03}, {-4.2, 0}, {5.5, 0},
	} {
		img := tiltedPage(c.deg, c.noise)
		got := skewAngle(img)
		if math.Abs(got-c.deg) > 0.1 {
			t.Errorf("page tilted %v° (noise %v): measured %v°", c.deg, c.noise, got)
			continue
		}
		level, turned := deskew(img)
		if math.Abs(c.deg) < minSkew {
			if turned != 0 || level != img {
				t.Errorf("page tilted %v°: turned by %v°, want as it is", c.deg, turned)
			}
			continue
		}
		if turned != got {
			t.Errorf("page tilted %v°: turned by %v°, measured %v°", c.deg, turned, got)
		}
		if a := skewAngle(level); math.Abs(a) > 0.1 {
			t.Errorf("page tilted %v° and levelled: still %v°", c.deg, a)
		}
	}
	blank := image.NewGray(image.Rect(0, 0, 50, 50))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	if a := skewAngle(blank); a != 0 {
		t.Errorf("blank page: %v°", a)
	}
}

func TestRotate(t *testing.T) {
	img := tiltedPage(0, 0)
	if got := rotate(img, 0); string(got.Pix) != string(img.Pix) {
		t.Error("a turn by 0° changes the page")
	}
	// A quarter turn counter-clockwise takes the top right corner to the
	// top left; what the page does not cover is white.
	sq := image.NewGray(image.Rect(0, 0, 5, 5))
	for i := range sq.Pix {
		sq.Pix[i] = 255
	}
	sq.Pix[0*5+4] = 0
	got := rotate(sq, 90)
	for y := 0; y < 5; y++ {
		for x := 0; x < 5; x++ {
			if want := x == 0 && y == 0; (got.Pix[y*5+x] < darkLevel) != want {
				t.Errorf("(%d,%d) grey %d after a quarter turn", x, y, got.Pix[y*5+x])
			}
		}
	}
}

func TestWiden(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 5, 5))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	g.Pix[2*5+2] = 0
	out := widen(g)
	for y := 0; y < 5; y++ {
		for x := 0; x < 5; x++ {
			if want := y == 2 && x >= 1 && x <= 3; (out.Pix[y*5+x] < darkLevel) != want {
				t.Errorf("(%d,%d): ink %v, want %v", x, y, !want, want)
			}
		}
	}
}

func BenchmarkDeskew(b *testing.B) {
	img := tiltedPage(2, 0)
	for b.Loop() {
		deskew(img)
	}
}
