package ui

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMissingAssetsSayWhatToRun(t *testing.T) {
	partial := fstest.MapFS{"static/vendor/htmx.min.js": {Data: []byte("x")}}
	err := checkAssets(partial)
	if !errors.Is(err, ErrAssetsMissing) || !strings.Contains(err.Error(), "make assets") || !strings.Contains(err.Error(), "echarts.min.js") {
		t.Errorf("got %v, want ErrAssetsMissing naming make assets and the missing file", err)
	}
	if err := checkAssets(staticFS); err != nil {
		t.Errorf("this build's assets: %v", err)
	}
}
