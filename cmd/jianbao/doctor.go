package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"jianbao/ingest"
)

type doctorOptions struct {
	// lookPath finds a program; nil means exec.LookPath.
	lookPath func(string) (string, error)
}

func newDoctorCmd(a *app) *cobra.Command {
	opts := doctorOptions{}
	return &cobra.Command{
		Use:   "doctor",
		Short: "Report which optional tools are installed and what they add",
		Long: `doctor checks for the optional programs that PDF reading uses and says what
each adds: pdftotext (poppler-utils) reads pages whose text layer does not
decode; pdftoppm (poppler-utils) and tesseract with its chi_sim data
(tesseract-ocr-chi-sim) read scanned pages by OCR. Without them such pages
are reported as missing and the rest of each bulletin is still parsed.`,
		Example: `  jianbao doctor`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDoctor(cmd.Context(), a.out, opts)
		},
	}
}

func runDoctor(ctx context.Context, w io.Writer, opts doctorOptions) error {
	tools := ingest.Tools(ctx, opts.lookPath)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TOOL\tSTATUS\tADDS")
	ocr := true
	for _, t := range tools {
		status := "missing: apt install " + t.Package
		switch {
		case t.Path != "" && t.Problem != "":
			status = "unusable: " + t.Problem
		case t.Path != "":
			status = "ok " + t.Path
			if t.Version != "" {
				status += " (" + t.Version + ")"
			}
		}
		if (t.Name == ingest.ToolTesseract || t.Name == ingest.ToolPDFToPPM) && (t.Path == "" || t.Problem != "") {
			ocr = false
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, status, t.Adds)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !ocr {
		_, err := fmt.Fprintln(w, "\nScanned PDF pages cannot be read: they are reported as missing in source.page_notes.")
		return err
	}
	_, err := fmt.Fprintln(w, "\nAll optional tools are present: scanned and undecodable PDF pages are read.")
	return err
}
