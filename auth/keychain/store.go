package keychain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/zalando/go-keyring"
)

// Record is what the keychain holds for one signed-in profile.
type Record struct {
	AccessToken  string    `json:"access_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	// RefreshExpiry is when the refresh token ends, when known (the
	// provider's refresh_expires_in, or the profile's refresh_token_lifetime).
	RefreshExpiry time.Time `json:"refresh_expiry,omitzero"`
	// Scope is what the provider granted, when it said.
	Scope string `json:"scope,omitempty"`
	// Who the tokens belong to, from the verified ID token or userinfo.
	Subject string `json:"sub,omitempty"`
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`

	SignedInAt  time.Time `json:"signed_in_at,omitzero"`
	RefreshedAt time.Time `json:"refreshed_at,omitzero"`
	// Rejected is when the provider refused the refresh token
	// (invalid_grant). The dead token is dropped; the mark stays until the
	// next sign-in, so every process sees "sign-in needed", not only the one
	// that was told.
	Rejected time.Time `json:"rejected,omitzero"`
	// Bound is the binding of the profile the record was made for (see
	// binding.go): it is used for that profile's settings only.
	Bound string `json:"bound,omitempty"`

	// stored is where Load found the record (see Store.Save); copies keep it.
	stored storedAt
}

// storedAt is a record's place in the keychain: unknown, one item, or the
// chunk slot "a" or "b".
type storedAt string

const (
	storedUnknown storedAt = ""
	storedSingle  storedAt = "single"
)

// String keeps tokens out of anything that formats a Record.
func (r Record) String() string {
	return fmt.Sprintf("keychain.Record{who: %q, expiry: %s, refresh token: %t}", r.Who(), r.Expiry.Format(time.RFC3339), r.RefreshToken != "")
}

// GoString does the same for %#v.
func (r Record) GoString() string { return r.String() }

// Who names the signed-in account for people: email, else name, else subject.
func (r *Record) Who() string {
	switch {
	case r.Email != "":
		return r.Email
	case r.Name != "":
		return r.Name
	default:
		return r.Subject
	}
}

// Keyring is the part of an OS keychain the store needs. The system one is
// github.com/zalando/go-keyring; tests may pass a size-limited memory one.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// SystemKeyring is the OS keychain: Secret Service, macOS Keychain or Windows
// Credential Manager.
type SystemKeyring struct{}

func (SystemKeyring) Get(service, user string) (string, error) {
	if err := keychainReachable(); err != nil {
		return "", err
	}
	return keyring.Get(service, user)
}

func (SystemKeyring) Set(service, user, password string) error {
	if err := keychainReachable(); err != nil {
		return err
	}
	return keyring.Set(service, user, password)
}

func (SystemKeyring) Delete(service, user string) error {
	if err := keychainReachable(); err != nil {
		return err
	}
	return keyring.Delete(service, user)
}

// ErrNotFound means the keychain has no such item.
var ErrNotFound = errors.New("not in the keychain")

// Error is a keychain that is missing, locked or not answering. Its
// message says which keychain and what to do; it never holds a secret.
type Error struct {
	Op   string
	Hint string
	Err  error
	// Where is the keychain, in words ("": Name); Fix, when set, is the
	// next step for a person, in one sentence.
	Where, Fix string
}

func (e *Error) Error() string {
	where := e.Where
	if where == "" {
		where = Name
	}
	return fmt.Sprintf("%s: %s: %s (%v)", where, e.Op, e.Hint, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrNoAnswer is what a call bounded by Within that never returned
// reports: a keychain waiting to be unlocked, a hung disk.
var ErrNoAnswer = errors.New("no answer")

// Within runs call with a deadline and reports a call that has not
// returned by then as ErrNoAnswer. Such a call leaves its goroutine
// behind: neither go-keyring nor a hung disk can be cancelled, and a stuck
// goroutine is better than a stuck program.
func Within(d time.Duration, call func() error) error {
	done := make(chan error, 1)
	go func() { done <- call() }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return ErrNoAnswer
	}
}

// Store keeps records and client secrets in a keychain under one service
// name. Every call is bounded by Timeout: a locked keychain may otherwise wait
// for ever on an unlock prompt.
type Store struct {
	Keyring Keyring
	Service string
	Timeout time.Duration
	// writes keeps the writes to each item in the order they were made:
	// a write given up at its deadline still runs, and must not land
	// after a newer one (an older refresh token over the rotated one).
	// Reads, and writes to other items, are not held up by it.
	writes  map[string]*itemWrites
	writesM sync.Mutex // guards writes
	issued  atomic.Uint64
	// ChunkSize is the largest value written as one item. macOS Keychain
	// (about 3 KB through go-keyring's command line) and Windows Credential
	// Manager (2,560 bytes) refuse larger ones, and Cognito-sized tokens are
	// larger, so longer records are split over several items.
	ChunkSize int
}

// NewStore is the store on the OS keychain, service "tokentray" — or,
// where no keychain is there at all, on the sealed files (see sealed.go).
func NewStore() *Store {
	return &Store{Keyring: &autoKeyring{system: SystemKeyring{}}, Service: "tokentray", Timeout: 3 * time.Second, ChunkSize: 2000}
}

// Name says where the store keeps sign-ins, for people: Name (the system
// keychain), or "a sealed file (no desktop keychain; key in the kernel
// keyring)" where it settled on the sealed files.
func (s *Store) Name() string {
	if n, ok := s.Keyring.(namer); ok {
		return n.name()
	}
	return Name
}

// Items are named PROFILE (the record, or a header naming its chunks) and
// PROFILE/client_secret (the secret, or a header); a long value is split
// over ITEM/a/N or ITEM/b/N (two slots, so a new value is complete before
// the header switches to it). Profile names cannot contain '/', so no two
// profiles' items collide.
const chunkHeader = "tokentray-chunks:v1:"

// maxChunks bounds a value at about 2 MB, far beyond any real token or key.
const maxChunks = 1000

func secretItem(profile string) string { return profile + "/client_secret" }

func chunkItem(item, slot string, i int) string {
	return item + "/" + slot + "/" + strconv.Itoa(i)
}

// Load returns the profile's record, or an error wrapping ErrNotFound.
func (s *Store) Load(profile string) (*Record, error) {
	raw, at, err := s.fetch("read the tokens of "+profile, profile, "sign in again")
	if err != nil {
		return nil, err
	}
	r := Record{stored: at}
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		// The message of a JSON error can quote the input: keep it out.
		return nil, fmt.Errorf("the keychain item for %s is damaged; sign in again", profile)
	}
	return &r, nil
}

// Save writes the record so that a reader, or a crash at any moment, sees
// either the old record or the new one, never a mix. A record from Load (or
// a copy), saved while the caller holds the profile's lock since that Load,
// is written without reading the keychain again to find its chunk slot;
// every writer of records takes that lock.
func (s *Store) Save(profile string, r *Record) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode the tokens of %s: %w", profile, err)
	}
	return s.put("save the tokens of "+profile, profile, string(data), r.stored)
}

// Delete removes every token item of the profile, including chunks a crash
// may have left behind. The client secret stays: it is configuration.
func (s *Store) Delete(profile string) error {
	return s.remove("delete the tokens of "+profile, profile)
}

// fetch reads item's value, joining its chunks, and says where it was
// stored; again is what to do when it is damaged.
func (s *Store) fetch(op, item, again string) (string, storedAt, error) {
	head, err := s.get(op, item)
	if err != nil || !strings.HasPrefix(head, chunkHeader) {
		return head, storedSingle, err
	}
	slot, n, want := parseHeader(head)
	if slot == "" {
		return "", "", fmt.Errorf("the keychain item %s is damaged; %s", item, again)
	}
	var b strings.Builder
	for i := range n {
		part, err := s.get(op, chunkItem(item, slot, i))
		if errors.Is(err, ErrNotFound) {
			return "", "", fmt.Errorf("the keychain item %s is incomplete (part %d of %d is missing); %s", item, i+1, n, again)
		}
		if err != nil {
			return "", "", err
		}
		b.WriteString(part)
	}
	sum := sha256.Sum256([]byte(b.String()))
	if hex.EncodeToString(sum[:8]) != want {
		return "", "", fmt.Errorf("the keychain item %s is damaged (its parts do not match); %s", item, again)
	}
	return b.String(), storedAt(slot), nil
}

// put writes value as item: one item when it fits in ChunkSize, else
// chunks in the slot not in use and then the header naming them, so that a
// crash at any moment leaves the old value or the new one. stored is
// where the value is now, when the caller knows.
func (s *Store) put(op, item, value string, stored storedAt) error {
	oldSlot := ""
	switch stored {
	case storedUnknown:
		if head, err := s.get(op, item); err == nil {
			oldSlot, _, _ = parseHeader(head)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
	case storedSingle:
	default:
		oldSlot = string(stored)
	}
	size := s.ChunkSize
	if l, ok := s.Keyring.(itemLimiter); ok && l.itemLimit() > 0 {
		size = l.itemLimit()
	}
	if len(value) > size {
		slot := "a"
		if oldSlot == "a" {
			slot = "b"
		}
		parts := splitUTF8(value, size)
		for i, part := range parts {
			if err := s.set(op, chunkItem(item, slot, i), part); err != nil {
				return err
			}
		}
		sum := sha256.Sum256([]byte(value))
		value = fmt.Sprintf("%s%s:%d:%s", chunkHeader, slot, len(parts), hex.EncodeToString(sum[:8]))
	}
	if err := s.set(op, item, value); err != nil {
		return err
	}
	if oldSlot != "" {
		return s.deleteSlot(op, item, oldSlot)
	}
	return nil
}

// remove deletes item and every chunk of it, including chunks a crash may
// have left behind.
func (s *Store) remove(op, item string) error {
	for _, slot := range []string{"a", "b"} {
		if err := s.deleteSlot(op, item, slot); err != nil {
			return err
		}
	}
	return s.del(op, item)
}

func parseHeader(head string) (slot string, n int, sum string) {
	rest, ok := strings.CutPrefix(head, chunkHeader)
	if !ok {
		return "", 0, ""
	}
	f := strings.Split(rest, ":")
	if len(f) != 3 || (f[0] != "a" && f[0] != "b") {
		return "", 0, ""
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 1 || n > maxChunks {
		return "", 0, ""
	}
	return f[0], n, f[2]
}

// deleteSlot removes chunks until the first missing one.
func (s *Store) deleteSlot(op, item, slot string) error {
	for i := range maxChunks {
		err := s.del(op, chunkItem(item, slot, i))
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// splitUTF8 cuts s into pieces of at most n bytes without splitting a
// character, since some keychains store text, not bytes.
func splitUTF8(s string, n int) []string {
	var parts []string
	for len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	return append(parts, s)
}

func (s *Store) get(op, item string) (string, error) {
	var v string
	err := s.bounded(op, func() (err error) {
		v, err = s.Keyring.Get(s.Service, item)
		return err
	})
	return v, err
}

func (s *Store) set(op, item, value string) error {
	return s.write(op, item, func() error { return s.Keyring.Set(s.Service, item, value) })
}

func (s *Store) del(op, item string) error {
	return s.write(op, item, func() error { return s.Keyring.Delete(s.Service, item) })
}

// itemWrites is the order of the writes to one item.
type itemWrites struct {
	mu     sync.Mutex // held while one write runs
	landed uint64     // the newest write that reached the keychain
}

// write runs a write to item after the ones made before it, and not at
// all once a newer one has landed: the newer is what the item must hold.
func (s *Store) write(op, item string, call func() error) error {
	seq := s.issued.Add(1)
	s.writesM.Lock()
	if s.writes == nil {
		s.writes = map[string]*itemWrites{}
	}
	w := s.writes[item]
	if w == nil {
		w = &itemWrites{}
		s.writes[item] = w
	}
	s.writesM.Unlock()
	return s.bounded(op, func() error {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.landed > seq {
			return nil
		}
		if err := call(); err != nil {
			return err
		}
		w.landed = seq
		return nil
	})
}

// bounded runs one keychain call with a deadline (Within) and says its
// failure with the next step.
func (s *Store) bounded(op string, call func() error) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	err := Within(timeout, call)
	if x, ok := s.Keyring.(explainer); ok && err != nil && !errors.Is(err, ErrNotFound) {
		if where, hint, fix, ok := x.explain(err); ok {
			return &Error{Op: op, Err: err, Hint: hint, Where: where, Fix: fix}
		}
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNoAnswer):
		return &Error{Op: op, Err: ErrNoAnswer,
			Hint: fmt.Sprintf("the keychain did not answer within %s; it may be locked and waiting for you to unlock it", timeout)}
	case errors.Is(err, keyring.ErrNotFound), errors.Is(err, ErrNotFound):
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return &Error{Op: op, Err: err, Hint: "the keychain refused an item this large"}
	default:
		return &Error{Op: op, Err: err, Hint: keychainHint(err)}
	}
}
