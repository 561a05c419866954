package identity

import (
	"context"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/secure"
)

// sealMobile validates and encrypts a mobile number, returning its
// ciphertext, blind index and masked form.
func (id *Service) sealMobile(raw string) (enc, idx, masked string, err error) {
	norm, p := cn.ValidateMobile(raw)
	if p != nil && p.Severity == cn.Error {
		return "", "", "", crm.Invalid(crm.BadIn(msg.En, "mobile", p.Code, msg.Of(p)))
	}
	if id.sealer == nil {
		return "", "", "", crm.Fail(crm.EInternal, "crm.no_keyring")
	}
	enc, err = id.sealer.Encrypt([]byte(norm), secure.AAD(crm.SealUserMobileTable, crm.SealUserMobileColumn))
	if err != nil {
		return "", "", "", err
	}
	return enc, id.sealer.BlindIndex(crm.SealUserMobileTable+"."+crm.SealUserMobileColumn, []byte(norm)), secure.MaskMobile(norm), nil
}

// maskUser fills the masked mobile of u from its ciphertext.
func (id *Service) maskUser(u *User) {
	if u.MobileEnc == "" || id.sealer == nil {
		return
	}
	if b, err := id.sealer.Decrypt(u.MobileEnc, secure.AAD(crm.SealUserMobileTable, crm.SealUserMobileColumn)); err == nil {
		u.Mobile = secure.MaskMobile(string(b))
	} else {
		u.Mobile = "****"
	}
}

// RevealMobile shows a user's full mobile number. It needs the permission
// to manage users and a reason, and it is audited.
func (id *Service) RevealMobile(ctx context.Context, username, reason string) (string, error) {
	if _, err := crm.Authorize(ctx, crm.ActUserManage); err != nil {
		return "", err
	}
	if strings.TrimSpace(reason) == "" {
		return "", crm.Invalid(crm.Bad("reason", "required", "identity.reason.required"))
	}
	u, err := id.store.UserByUsername(ctx, NormalizeUsername(username))
	if err != nil {
		return "", err
	}
	if u.MobileEnc == "" {
		return "", crm.Fail(crm.ENotFound, "identity.has_no_mobile_number", u.Username)
	}
	b, err := id.sealer.Decrypt(u.MobileEnc, secure.AAD(crm.SealUserMobileTable, crm.SealUserMobileColumn))
	if err != nil {
		return "", err
	}
	e := crm.NewAudit(ctx, crm.AuditReveal, "user", strconv.FormatInt(u.ID, 10), map[string]string{"field": "mobile", "reason": reason})
	if err := id.store.Audit(ctx, &e); err != nil {
		return "", err
	}
	return string(b), nil
}

// UserByMobile finds a user by mobile number through the blind index.
func (id *Service) UserByMobile(ctx context.Context, mobile string) (User, error) {
	if _, err := crm.Authorize(ctx, crm.ActUserManage); err != nil {
		return User{}, err
	}
	norm, p := cn.ValidateMobile(mobile)
	if p != nil && p.Severity == cn.Error {
		return User{}, crm.Invalid(crm.BadIn(msg.En, "mobile", p.Code, msg.Of(p)))
	}
	u, err := id.store.UserByMobileIndex(ctx, id.sealer.BlindIndex(crm.SealUserMobileTable+"."+crm.SealUserMobileColumn, []byte(norm)))
	if err != nil {
		return User{}, err
	}
	id.maskUser(&u)
	return u, nil
}

// Resealer re-encrypts sealed fields under the current key after a
// rotation; the keyring (secure.Keyring) is one.
type Resealer interface {
	NeedsReencrypt(ciphertext string) bool
	Reencrypt(ciphertext string, aad []byte) (string, error)
}

// ResealStore is what re-encryption needs from storage.
type ResealStore interface {
	SealedUserMobiles(ctx context.Context, afterID int64, limit int) ([]User, error)
	ResealUserMobile(ctx context.Context, id int64, old, sealed string) error
}

// Reseal re-encrypts every sealed field that is not under the keyring's
// current key, in batches, and returns how many it changed. A write that
// raced it keeps its own (newer) ciphertext.
func Reseal(ctx context.Context, s ResealStore, k Resealer) (int, error) {
	n := 0
	var after int64
	for {
		users, err := s.SealedUserMobiles(ctx, after, 500)
		if err != nil {
			return n, err
		}
		for _, u := range users {
			after = u.ID
			if !k.NeedsReencrypt(u.MobileEnc) {
				continue
			}
			sealed, err := k.Reencrypt(u.MobileEnc, secure.AAD(crm.SealUserMobileTable, crm.SealUserMobileColumn))
			if err != nil {
				return n, err
			}
			if err := s.ResealUserMobile(ctx, u.ID, u.MobileEnc, sealed); err != nil {
				return n, err
			}
			n++
		}
		if len(users) < 500 {
			return n, nil
		}
	}
}
