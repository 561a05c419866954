package importer

import (
	"context"
	"hash/maphash"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// keyFields are the report's fields of a row's three duplicate keys, in
// the order of checked.keys.
var keyFields = [3]string{FieldUSCC, FieldName, FieldContactMobile}

// dedup finds duplicates of a batch's good rows in the database and
// earlier in the file, then remembers the keys of the rows still good.
func (rc *rowChecker) dedup(ctx context.Context, batch []checked) error {
	var lists [3][]string
	for i := range batch {
		if len(batch[i].problems) > 0 || batch[i].skip {
			continue
		}
		for k, key := range batch[i].keys {
			if key != "" {
				lists[k] = append(lists[k], key)
			}
		}
	}
	dups, err := rc.im.store.ImportDuplicates(ctx, crm.CustomerScope(rc.p), rc.im.now(), lists[0], lists[1], lists[2])
	if err != nil {
		return err
	}
	inDB := [3]map[string]string{dups.USCC, dups.Name, dups.Mobile}
	what := [3]msg.Message{msg.M("importer.key.uscc"), msg.M("importer.key.name"), msg.M("importer.key.mobile")}
	for i := range batch {
		ch := &batch[i]
		if len(ch.problems) > 0 || ch.skip {
			continue
		}
		var hashes [3]uint64
		for k, key := range ch.keys {
			if key == "" {
				continue
			}
			if who, ok := inDB[k][key]; ok {
				if who == "" { // someone else's customer: not named
					rc.problem(ch, keyFields[k], "duplicate", msg.M("importer.row.duplicate_hidden", what[k]))
					continue
				}
				rc.problem(ch, keyFields[k], "duplicate", msg.M("importer.row.duplicate", what[k], who))
				continue
			}
			hashes[k] = maphash.String(rc.seed, strconv.Itoa(k)+key)
			if first, ok := rc.seen[hashes[k]]; ok {
				rc.problem(ch, keyFields[k], "duplicate_in_file", msg.M("importer.row.duplicate_in_file", what[k], int(first)))
			}
		}
		if len(ch.problems) > 0 {
			continue
		}
		for k, h := range hashes {
			if ch.keys[k] != "" {
				rc.seen[h] = int32(ch.row.Row)
			}
		}
	}
	return nil
}
