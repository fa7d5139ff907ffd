package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// Config is Plaza's configuration: environment variables, overridden by
// command-line flags, validated once at start. Defaults run everything
// embedded under one data folder.
type Config struct {
	Addr     string     // PLAZA_ADDR: where serve listens
	Data     string     // PLAZA_DATA: the data folder (buckets and index)
	Corpus   string     // PLAZA_CORPUS: the corpus the demo imports
	LogLevel slog.Level // PLAZA_LOG_LEVEL: debug, info, warn, error

	// Real engines, each chosen by its URL; empty means the embedded twin.
	S3URL    string // PLAZA_S3_URL: http(s)://KEY:SECRET@host:port[?region=&prefix=]
	ESURL    string // PLAZA_ES_URL: http(s)://[USER:PASSWORD@]host:port[/path]
	ESIndex  string // PLAZA_ES_INDEX: the index (alias) name
	RedisURL string // PLAZA_REDIS_URL: redis://[:PASSWORD@]host:port/db
}

func defaultConfig() Config {
	return Config{Addr: "127.0.0.1:8080", Data: "data", Corpus: filepath.Join("..", "shared", "corpus"), LogLevel: slog.LevelInfo, ESIndex: "plaza"}
}

// fromEnv overlays environment variables on c.
func (c *Config) fromEnv(getenv func(string) string) error {
	if v := getenv("PLAZA_ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("PLAZA_DATA"); v != "" {
		c.Data = v
	}
	if v := getenv("PLAZA_CORPUS"); v != "" {
		c.Corpus = v
	}
	for name, dst := range map[string]*string{
		"PLAZA_S3_URL": &c.S3URL, "PLAZA_ES_URL": &c.ESURL, "PLAZA_ES_INDEX": &c.ESIndex, "PLAZA_REDIS_URL": &c.RedisURL,
	} {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	if v := getenv("PLAZA_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("PLAZA_LOG_LEVEL=%q: use debug, info, warn or error", v)
		}
	}
	return nil
}

// flags binds the flags every command takes; addr only where it serves.
func (c *Config) flags(fs *flag.FlagSet, serves bool) {
	fs.StringVar(&c.Data, "data", c.Data, "data folder: buckets and index (PLAZA_DATA)")
	if serves {
		fs.StringVar(&c.Addr, "addr", c.Addr, "listen address host:port, port 0 picks a free one (PLAZA_ADDR)")
	}
}

// validate checks the values that can be checked before opening anything.
func (c *Config) validate() error {
	if strings.TrimSpace(c.Data) == "" {
		return fmt.Errorf("the data folder is empty: set --data or PLAZA_DATA")
	}
	// A shared index must be built from shared buckets: an index on
	// Elasticsearch reconciled against one node's own disk would lose every
	// document that node does not hold. And changes on a shared stream are
	// indexed by whichever node takes them, so the index must be shared too.
	if c.ESURL != "" && c.S3URL == "" {
		return fmt.Errorf("PLAZA_ES_URL 에는 PLAZA_S3_URL 도 필요합니다 (공유 색인은 공유 버킷에서 만듭니다) / PLAZA_ES_URL needs PLAZA_S3_URL too: a shared index is built from shared buckets")
	}
	if c.RedisURL != "" && c.ESURL == "" {
		return fmt.Errorf("PLAZA_REDIS_URL 에는 PLAZA_ES_URL 도 필요합니다 (공유 스트림의 변경은 공유 색인에 반영합니다) / PLAZA_REDIS_URL needs PLAZA_ES_URL too: changes on a shared stream go to a shared index")
	}
	if !validIndexName(c.ESIndex) {
		return fmt.Errorf("PLAZA_ES_INDEX=%q: 소문자, 숫자, -, _ 만 쓸 수 있습니다 / use lower-case letters, digits, - and _", c.ESIndex)
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("listen address %q: %v (use host:port, e.g. 127.0.0.1:8080)", c.Addr, err)
	}
	return nil
}

func loadConfig(fs *flag.FlagSet, args []string, serves bool) (Config, error) {
	c := defaultConfig()
	if err := c.fromEnv(os.Getenv); err != nil {
		return c, err
	}
	c.flags(fs, serves)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	// Flags after a stray argument would be ignored silently: refuse it.
	if fs.NArg() > 0 && fs.Name() != "plaza import" {
		return c, fmt.Errorf("%s: 알 수 없는 인수 %q (플래그는 --이름 값 으로 씁니다) / unexpected argument %q (flags are written --name value)", fs.Name(), fs.Arg(0), fs.Arg(0))
	}
	return c, c.validate()
}

// validIndexName reports whether name is a safe Elasticsearch index name.
func validIndexName(name string) bool {
	if name == "" || len(name) > 100 || name[0] == '-' || name[0] == '_' {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
