// Package web holds the HTML templates and the static files (CSS) of the
// public pages and the upload desk, embedded in the binary: a page never loads
// anything from another host, so it works on closed government networks.
// The handlers that render them are handlers/web*.go.
package web

import "embed"

// Templates are the html/template files: layout.html wraps every page.
//
//go:embed templates/*.html
var Templates embed.FS

// Static are the files served under /static/.
//
//go:embed static/*
var Static embed.FS
