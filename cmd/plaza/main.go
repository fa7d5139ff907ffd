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
)

const usage = `plaza: 정보공개 포털 / information-disclosure portal

사용법 / usage:
  plaza serve   [--addr HOST:PORT] [--data DIR]      포털을 엽니다 / serve the portal
  plaza import  [--data DIR] [--tenant SLUG] [--type TYPE] PATH...
                                                    문서를 게시합니다 / publish folders of documents
  plaza reindex [--data DIR]                        버킷에서 색인을 다시 만듭니다 / rebuild the index from the buckets
  plaza demo    [--addr HOST:PORT] [--data DIR] [--corpus DIR]
                                                    말뭉치를 게시하고 엽니다 / import the corpus and serve it
  plaza tenants [--data DIR]                        기관 목록 / list tenants
  plaza bench   [--corpus DIR] [--rounds N]         성능 측정 / import and search benchmark

환경 변수 / environment: PLAZA_ADDR, PLAZA_DATA, PLAZA_CORPUS, PLAZA_LOG_LEVEL
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "plaza:", err)
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
		docType := fs.String("type", "", "document type of a folder without manifest.csv (e.g. ruling)")
		cfg, err := loadConfig(fs, args, false)
		if err != nil {
			return err
		}
		if fs.NArg() == 0 {
			return errors.New("import: 게시할 폴더를 지정하세요 / name at least one folder to import")
		}
		return importPaths(ctx, cfg, newLogger(stderr, cfg), stdout, stderr, fs.Args(), *tenant, *docType)
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
		rounds := fs.Int("rounds", 5, "rounds over the fixed query set")
		cfg, err := loadConfig(fs, args, false)
		if err != nil {
			return err
		}
		if *corpus != "" {
			cfg.Corpus = *corpus
		}
		return bench(ctx, cfg, stdout, max(*rounds, 1))
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

func newLogger(w io.Writer, cfg Config) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: cfg.LogLevel}))
}
