package msg

import "context"

type langKey struct{}

// WithLang returns ctx carrying the language of the response being made,
// so that code far from the request renders in the same language.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, Lang(lang))
}

// LangOf returns the language ctx carries, or zh-CN, the product's own,
// when it carries none (jobs, the command line).
func LangOf(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok {
		return l
	}
	return ZhCN
}
