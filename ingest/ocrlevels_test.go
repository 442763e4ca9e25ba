package ingest

import (
	"image"
	"testing"
)

// faded returns the strokes of speckled(0, 1) with ink at level ink on
// paper at level paper, blurred as a faded copy's are.
func faded(ink, paper uint8) *image.Gray {
	g := speckled(0, 1)
	for i, v := range g.Pix {
		if v < darkLevel {
			g.Pix[i] = ink
		} else {
			g.Pix[i] = paper
		}
	}
	return blur1(g)
}

func TestStretchLevels(t *testing.T) {
	tests := []struct {
		name       string
		img        *image.Gray
		stretched  bool
		inkUnder   uint8 // the middle of a stroke after stretching
		paperAbove uint8 // the paper after stretching
	}{
		{"black and white", speckled(0, 1), false, 0, 255},
		{"faded by 40 %", faded(102, 255), true, 20, 250},
		{"faded, on grey paper", faded(110, 215), true, 20, 250},
		{"grey ink close to black", faded(30, 255), false, 60, 250}, // left as it is
		{"no ink", faded(250, 250), false, 255, 250},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ok := stretchLevels(tt.img)
			if ok != tt.stretched {
				t.Fatalf("stretched %v, want %v", ok, tt.stretched)
			}
			if !ok && out != tt.img {
				t.Errorf("a page left as it is was copied")
			}
			mid := out.Pix[21*out.Stride+100] // the middle row of the first stroke
			paper := out.Pix[10*out.Stride+100]
			if mid > tt.inkUnder || paper < tt.paperAbove {
				t.Errorf("stroke %d (want ≤ %d), paper %d (want ≥ %d)", mid, tt.inkUnder, paper, tt.paperAbove)
			}
		})
	}
	// Stretched, a faded page's strokes are ink again: the speckle score
	// no longer takes their dark cores for noise.
	f := faded(115, 255)
	s, _ := stretchLevels(f)
	if before, after := speckleScore(f), speckleScore(s); after > 0.001 || after > before {
		t.Errorf("speckle score %v faded, %v stretched", before, after)
	}
}

func TestRetries(t *testing.T) {
	names := func(cs []cleaning) (out []string) {
		for _, c := range cs {
			if c.clean == nil {
				out = append(out, "as it was")
				continue
			}
			out = append(out, c.how)
		}
		return out
	}
	if got, want := names(retries(false)), []string{Despeckled, Thickened, Widened, Softened}; !equalStrings(got, want) {
		t.Errorf("retries of a page not despeckled: %v, want %v", got, want)
	}
	// A despeckled page is read again as it was: the speckle score may
	// have taken a grey page's grain for noise.
	if got, want := names(retries(true)), []string{"as it was", Thickened, Widened, Softened}; !equalStrings(got, want) {
		t.Errorf("retries of a despeckled page: %v, want %v", got, want)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSoften(t *testing.T) {
	// A one-pixel ink dot on white: widened to three pixels, then blurred
	// into a grey spot that is darkest in its middle and symmetric, and
	// white far from it.
	g := image.NewGray(image.Rect(0, 0, 15, 15))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	g.Pix[7*15+7] = 0
	out := soften(g)
	at := func(x, y int) uint8 { return out.Pix[y*15+x] }
	if at(0, 0) != 255 || at(14, 14) != 255 {
		t.Errorf("far corners %d, %d; want white", at(0, 0), at(14, 14))
	}
	if at(7, 7) >= at(7, 6) || at(7, 6) >= at(7, 5) || at(7, 7) >= 200 {
		t.Errorf("no dark middle: %d, %d, %d", at(7, 7), at(7, 6), at(7, 5))
	}
	if at(6, 7) != at(8, 7) || at(7, 6) != at(7, 8) || at(5, 7) != at(9, 7) {
		t.Errorf("not symmetric: %d/%d %d/%d", at(6, 7), at(8, 7), at(7, 6), at(7, 8))
	}
	if at(6, 7) >= at(7, 6) {
		t.Errorf("widened sideways: beside the middle %d, above it %d; want darker beside", at(6, 7), at(7, 6))
	}
	// White stays white and black black: blurring a uniform page
	// changes nothing.
	for _, v := range []uint8{0, 255} {
		u := image.NewGray(image.Rect(0, 0, 9, 9))
		for i := range u.Pix {
			u.Pix[i] = v
		}
		if b := blur1(u); b.Pix[40] != v || b.Pix[0] != v {
			t.Errorf("uniform %d blurred to %d (middle), %d (corner)", v, b.Pix[40], b.Pix[0])
		}
	}
}

func TestStructureMarks(t *testing.T) {
	read := func(lines ...string) ocrResult {
		var r ocrResult
		for _, l := range lines {
			r.Lines = append(r.Lines, ocrLine{Text: l})
		}
		return r
	}
	apart := read("【典型选树】", "市教委召开专题会议，研究部署下一阶段重点工作。", "(海淀区文明办)", "清华大学组织大学生志愿者开展支教活动。", "〈经开区文明办)")
	together := read("[典型选树]", "市教委召开专题会议，研究部署下一阶段重点工作。(海淀区文明办)清华大学组织大学生志愿者开展支教活动。", "经开{x文昌人办")
	if a, b := structureMarks(apart), structureMarks(together); a != 3 || b != 1 {
		t.Errorf("marks %d apart, %d run together; want 3 and 1", a, b)
	}
}
