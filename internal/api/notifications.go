package api

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm/inbox"
	"github.com/kehucrm/kehu/internal/httpx"
)

// listNotifications is the caller's in-app inbox, newest first, each
// notification in the language of the request.
func (a *API) listNotifications(w http.ResponseWriter, r *http.Request) error {
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	list, total, err := a.inbox.Page(r.Context(), r.URL.Query().Get("unread") == "true", before, p.Limit+1)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	w.Header().Add("Vary", "Cookie, Accept-Language") // the texts follow the asker's language
	for i := range list {
		list[i] = list[i].In(lang)
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(n inbox.Notification) any { return n.ID }).Of(total))
	return nil
}

func (a *API) readNotification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.inbox.MarkRead(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
