package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nctarget/nctarget/eval"
	"github.com/nctarget/nctarget/internal/serve"
	"github.com/spf13/cobra"
)

// serveFlags are the options of the serve command.
type serveFlags struct {
	data, catalog, addr string
	cacheDir            string
	hosts               []string
	min                 uint64
	noCache             bool
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve --data DIR [--catalog FILE] [--addr 127.0.0.1:8080]",
		Short: "Open a local web workbench: live diagnostics, JSON and preview on local data",
		Long: `Serve loads the data in DIR once (as eval does, with the index written by
"nctarget index" when it is up to date) and serves a page where a rule is
checked as it is typed, with its diagnostics inline, its canonical form,
its narrowcast JSON and its preview on the data: the count, the waterfall
and each clause's own count. The page's JSON API (POST /api/check,
/api/fmt, /api/compile, /api/eval) is described in README.md.

The server listens on loopback only unless --addr says otherwise, answers
only requests addressed to localhost, an IP address or a --host name,
refuses cross-origin requests, and never writes a file. Interrupt it
(Ctrl-C) to stop it.`,
		Example: `  nctarget serve --data examples/data
  nctarget serve --data ./data --catalog audiences.json --addr 127.0.0.1:9000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runServe(cmd, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "data `DIR`: users.csv, audiences/, redeliveries/ (required)")
	fl.StringVar(&f.catalog, "catalog", "", "JSON `FILE` mapping audience names to ids")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`; anything but a loopback address exposes the data to the network")
	fl.StringSliceVar(&f.hosts, "host", nil, "also answer requests for host `NAME` (besides localhost and IP addresses); repeatable")
	fl.Uint64Var(&f.min, "min", eval.DefaultMinimum, "warn when fewer than `N` recipients remain")
	fl.BoolVar(&f.noCache, "no-cache", false, "ignore the index written by nctarget index")
	cacheDirFlag(cmd, &f.cacheDir)
	return cmd
}

// runServe loads the data, listens and serves until interrupted.
func runServe(cmd *cobra.Command, f *serveFlags) error {
	if f.data == "" {
		return usageError{errors.New("serve needs --data DIR")}
	}
	cat, err := loadCatalog(cmd, f.catalog)
	if err != nil {
		return err
	}
	d, err := loadData(cmd, &evalFlags{data: f.data, noCache: f.noCache, cacheDir: f.cacheDir})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return usageError{fmt.Errorf("--addr %s: %w", f.addr, err)}
	}
	stderr := cmd.ErrOrStderr()
	if !serve.IsLoopback(f.addr) {
		fmt.Fprintf(stderr, "warning: --addr %s is not a loopback address: anyone who can reach this machine can read the data in %s through the server\n", f.addr, f.data)
	}
	s := serve.New(serve.Config{Data: d, DataName: f.data, DataWarnings: d.Warnings, Catalog: cat, Min: f.min, Sample: 5, Hosts: f.hosts})
	hs := s.HTTPServer(f.addr)
	// Catch the interrupt before saying where to connect, so whoever is
	// told can stop the server cleanly at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(cmd.OutOrStdout(), "nctarget workbench on http://%s/ (%d friends from %s); Ctrl-C stops it\n", displayAddr(ln.Addr()), d.Len(), f.data)
	err = serve.Run(ctx, hs, func() error { return hs.Serve(ln) }, 5*time.Second)
	if err == nil {
		fmt.Fprintln(stderr, "nctarget serve: stopped")
	}
	return err
}

// displayAddr is addr as a browser can open it: an unspecified address
// (0.0.0.0, ::) shows as localhost.
func displayAddr(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
