package index

import (
	"errors"
	"fmt"

	"jianbao/ingest"
)

// themesKey records which taxonomy tagged the index's articles.
var themesKey = []byte("jianbao/themes")

// taxonomyLabel names a taxonomy by version and content digest.
func taxonomyLabel(tax *ingest.Taxonomy) string {
	if tax == nil {
		tax = ingest.DefaultTaxonomy()
	}
	return tax.Version + "/" + tax.Digest
}

// Taxonomy returns the label (version/digest) of the taxonomy that tagged
// the index, or "" when none is recorded.
func (ix *Index) Taxonomy() (string, error) {
	raw, err := ix.bi.GetInternal(themesKey)
	if err != nil {
		return "", fmt.Errorf("read taxonomy label: %w", err)
	}
	return string(raw), nil
}

// noteTaxonomy records the taxonomy that tagged what was just written, when
// the index has none recorded; when it has another, it returns a warning
// saying so instead: the index then mixes tags of two taxonomies until
// `jianbao retag` applies one to all.
func (ix *Index) noteTaxonomy(tax *ingest.Taxonomy) (string, error) {
	have, err := ix.Taxonomy()
	if err != nil {
		return "", err
	}
	label := taxonomyLabel(tax)
	switch have {
	case label:
		return "", nil
	case "":
		return "", ix.setTaxonomy(label)
	}
	return fmt.Sprintf("the index was tagged with themes %s, the files just ingested with %s: run `jianbao retag` (with --themes FILE for a file of your own) to tag every article alike", have, label), nil
}

func (ix *Index) setTaxonomy(label string) error {
	if label == "" {
		return errors.New("empty taxonomy label")
	}
	if err := ix.setInternal(themesKey, []byte(label)); err != nil {
		return fmt.Errorf("record taxonomy: %w", err)
	}
	return nil
}
