// Command plaza runs Plaza, the information-disclosure portal: serve the
// portal, import documents, rebuild the index, or run the demo on the corpus.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/plaza-portal/plaza/tenants"
	"github.com/plaza-portal/plaza/tenants/importer"
)

const usage = `plaza: 정보공개 포털 / information-disclosure portal

사용법 / usage:
  plaza serve   [--addr HOST:PORT] [--data DIR]      포털을 엽니다 / serve the portal
  plaza import  [--data DIR] [--tenants CSV] [--tenant SLUG] [--type TYPE] FOLDER...
                                                    문서를 게시합니다 / publish folders of documents
  plaza reindex [--data DIR]                        버킷에서 색인을 다시 만듭니다 / rebuild the index from the buckets
  plaza demo    [--addr HOST:PORT] [--data DIR] [--corpus DIR]
                                                    말뭉치를 게시하고 엽니다 / import the corpus and serve it
  plaza tenants [--data DIR]                        기관 목록 / list tenants
  plaza bench   [--corpus DIR] [--rounds N]         성능 측정 / import and search benchmark

import 는 거부된 파일이 있으면 1, 오류면 2 로 끝납니다 / import exits 1 when files were refused, 2 on errors.
환경 변수 / environment: PLAZA_ADDR, PLAZA_DATA, PLAZA_CORPUS, PLAZA_LOG_LEVEL
실제 엔진 / real engines: PLAZA_S3_URL, PLAZA_ES_URL, PLAZA_ES_INDEX, PLAZA_REDIS_URL
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "plaza:", err)
		}
		var ex *exitError
		if errors.As(err, &ex) {
			os.Exit(ex.code)
		}
		os.Exit(2)
	}
}

// run executes one command; stdout gets results, stderr logs and progress.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("plaza "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	switch cmd {
	case "serve":
		cfg, err := loadConfig(fs, args, true)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, newLogger(stderr, cfg), stdout)
	case "import":
		tenant := fs.String("tenant", "", "publish a folder without manifest.csv as this tenant's")
		docType := fs.String("type", "", "document type of a folder without manifest.csv (e.g. ruling; default other)")
		tenantsCSV := fs.String("tenants", "", "register the tenants of this tenants.csv first")
		cfg, err := loadConfig(fs, args, false)
		if err != nil {
			return err
		}
		if fs.NArg() == 0 && *tenantsCSV == "" {
			return errors.New("import: 게시할 폴더(또는 --tenants 파일)를 지정하세요 / name at least one folder to import (or a --tenants file)")
		}
		return importPaths(ctx, cfg, newLogger(stderr, cfg), stdout, stderr, fs.Args(), *tenantsCSV, importer.Options{Tenant: *tenant, Type: tenants.DocType(*docType)})
	case "reindex":
		cfg, err := loadConfig(fs, args, false)
		if err != nil {
			return err
		}
		return reindex(ctx, cfg, newLogger(stderr, cfg), stdout)
	case "demo":
		corpus := fs.String("corpus", "", "corpus folder (PLAZA_CORPUS, default ../shared/corpus)")
		cfg, err := loadConfig(fs, args, true)
		if err != nil {
			return err
		}
		if *corpus != "" {
			cfg.Corpus = *corpus
		}
		return demo(ctx, cfg, newLogger(stderr, cfg), stdout, stderr)
	case "bench":
		corpus := fs.String("corpus", "", "corpus folder (PLAZA_CORPUS, default ../shared/corpus)")
		rounds := fs.Int("rounds", 5, "rounds over the fixed query set (at least 1)")
		cfg, err := loadConfig(fs, args, false)
		if err != nil {
			return err
		}
		if *corpus != "" {
			cfg.Corpus = *corpus
		}
		if *rounds < 1 {
			return fmt.Errorf("bench: --rounds 는 1 이상이어야 합니다 / --rounds must be at least 1")
		}
		return bench(ctx, cfg, stdout, *rounds)
	case "tenants":
		cfg, err := loadConfig(fs, args, false)
		if err != nil {
			return err
		}
		return listTenants(ctx, cfg, newLogger(stderr, cfg), stdout)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("알 수 없는 명령 %q / unknown command %q", cmd, cmd)
}

// exitError ends plaza with a status other than 2 (the status of errors):
// 1 when an import refused some files but published the rest.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func newLogger(w io.Writer, cfg Config) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: cfg.LogLevel}))
}
