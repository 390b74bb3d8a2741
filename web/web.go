// Package web is the HTML side of the service: the public pages (pages.go),
// the upload desk (desk.go, grid.go), the charts and their embeds (charts.go,
// embed.go), rendered on the server with html/template from the templates and
// the style sheet embedded here: a page never loads anything from another
// host, so it works on closed government networks. Its handlers are listed
// with every other route in handlers/routes.go; what it shares with the API
// (errors, authentication, limits) is package httpx.
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
