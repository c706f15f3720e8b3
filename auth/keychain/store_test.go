package keychain

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/testkit"
	"github.com/tokentray/tokentray/words"
)

// cognitoSized is a record as large as a Cognito sign-in: a 1.2 KB access
// token and a 1.8 KB refresh token, with a name that is not ASCII.
func cognitoSized(gen int) *Record {
	return &Record{
		AccessToken:  fmt.Sprintf("eyJ%d.%s", gen, strings.Repeat("a", 1200)),
		TokenType:    "Bearer",
		Expiry:       time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC),
		RefreshToken: fmt.Sprintf("eyJjdHkiOiJKV1Qi%d.%s", gen, strings.Repeat("r", 1800)),
		Name:         "Zoë Ångström " + strings.Repeat("é", 600),
		Email:        "zoe@example.com",
	}
}

func TestStoreSplitsWhatKeychainsLimit(t *testing.T) {
	for _, limit := range []struct {
		name string
		max  int
	}{{"windows", 2560}, {"macos", 3000}, {"unlimited", 0}} {
		t.Run(limit.name, func(t *testing.T) {
			kr := NewMemory(limit.max)
			s := MemoryStore(kr)
			small := &Record{AccessToken: "at", RefreshToken: "rt", Expiry: time.Unix(1e9, 0).UTC()}
			for gen, rec := range []*Record{cognitoSized(1), cognitoSized(2), small, cognitoSized(3)} {
				if err := s.Save("work", rec); err != nil {
					t.Fatalf("save %d: %v", gen, err)
				}
				got, err := s.Load("work")
				if err != nil {
					t.Fatalf("load %d: %v", gen, err)
				}
				if got.AccessToken != rec.AccessToken || got.RefreshToken != rec.RefreshToken || got.Name != rec.Name || !got.Expiry.Equal(rec.Expiry) {
					t.Fatalf("record %d did not round-trip", gen)
				}
				// Exactly the header plus the chunks of the current slot.
				items := kr.Names()
				want := 1
				if head := kr.items["tokentray-test\x00work"]; strings.HasPrefix(head, chunkHeader) {
					_, n, _ := parseHeader(head)
					want += n
				}
				if len(items) != want {
					t.Errorf("record %d: %d items %v, want %d", gen, len(items), items, want)
				}
			}
			if err := s.Delete("work"); err != nil {
				t.Fatal(err)
			}
			if items := kr.Names(); len(items) != 0 {
				t.Errorf("after Delete: %v", items)
			}
			if _, err := s.Load("work"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Load after Delete: %v", err)
			}
		})
	}
}

// The refresh path saves a copy of the record it loaded under the profile
// lock: Save then knows the chunk slot without reading the header again, and
// must still alternate slots and leave nothing behind.
func TestStoreSaveOfLoadedRecord(t *testing.T) {
	kr := NewMemory(2560)
	s := MemoryStore(kr)
	if err := s.Save("work", cognitoSized(0)); err != nil {
		t.Fatal(err)
	}
	small := &Record{AccessToken: "at", RefreshToken: "rt"}
	for gen, want := range []*Record{cognitoSized(1), cognitoSized(2), small, small, cognitoSized(3), cognitoSized(4)} {
		prev, err := s.Load("work")
		if err != nil {
			t.Fatalf("load before %d: %v", gen, err)
		}
		next := *prev
		next.AccessToken, next.RefreshToken, next.Name = want.AccessToken, want.RefreshToken, want.Name
		gets := kr.gets
		if err := s.Save("work", &next); err != nil {
			t.Fatalf("save %d: %v", gen, err)
		}
		if kr.gets != gets {
			t.Errorf("save %d read the keychain %d times", gen, kr.gets-gets)
		}
		got, err := s.Load("work")
		if err != nil || got.RefreshToken != want.RefreshToken || got.Name != want.Name {
			t.Fatalf("record %d did not round-trip (%v)", gen, err)
		}
		items, n := kr.Names(), 1
		if _, chunks, _ := parseHeader(kr.items["tokentray-test\x00work"]); chunks > 0 {
			n += chunks
		}
		if len(items) != n {
			t.Errorf("record %d: %d items %v, want %d", gen, len(items), items, n)
		}
	}
}

// A failure at any moment of a save leaves the previous record readable:
// never a mix of old and new parts.
func TestStoreSaveIsAllOrNothing(t *testing.T) {
	for failAt := 0; failAt < 6; failAt++ {
		kr := NewMemory(2560)
		s := MemoryStore(kr)
		old := cognitoSized(1)
		if err := s.Save("work", old); err != nil {
			t.Fatal(err)
		}
		kr.failSetAfter = kr.sets + failAt
		err := s.Save("work", cognitoSized(2))
		got, lerr := s.Load("work")
		if lerr != nil {
			t.Fatalf("fail after %d writes: load: %v", failAt, lerr)
		}
		switch {
		case err != nil && got.RefreshToken != old.RefreshToken:
			t.Errorf("fail after %d writes: save failed but the record changed", failAt)
		case err == nil && got.RefreshToken != cognitoSized(2).RefreshToken:
			t.Errorf("fail after %d writes: save succeeded but the old record is read", failAt)
		}
		// Logout still removes everything, leftovers of the failed save too.
		kr.failSetAfter = -1
		if err := s.Delete("work"); err != nil {
			t.Fatal(err)
		}
		if items := kr.Names(); len(items) != 0 {
			t.Errorf("fail after %d writes: Delete left %v", failAt, items)
		}
	}
}

func TestStoreDetectsDamage(t *testing.T) {
	kr := NewMemory(2560)
	s := MemoryStore(kr)
	if err := s.Save("work", cognitoSized(1)); err != nil {
		t.Fatal(err)
	}
	kr.items["tokentray-test\x00work/a/1"] = strings.Repeat("x", 10)
	_, err := s.Load("work")
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("load with a changed part: %v", err)
	}
	delete(kr.items, "tokentray-test\x00work/a/1")
	if _, err := s.Load("work"); err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Errorf("load with a missing part: %v", err)
	}
	kr.items["tokentray-test\x00work"] = "{not json " + strings.Repeat("secret", 3)
	_, err = s.Load("work")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("load of garbage: %v (must not quote the item)", err)
	}
}

// A keychain that never answers (a locked one behind an unlock prompt) gives
// a keychain Error at the deadline instead of hanging.
func TestStoreBoundsEveryCall(t *testing.T) {
	kr := NewMemory(0)
	kr.block = make(chan struct{})
	defer close(kr.block)
	s := MemoryStore(kr)
	s.Timeout = 50 * time.Millisecond
	for name, call := range map[string]func() error{
		"load":   func() error { _, err := s.Load("w"); return err },
		"save":   func() error { return s.Save("w", &Record{AccessToken: "a"}) },
		"delete": func() error { return s.Delete("w") },
		"secret": func() error { _, err := s.Secret("w", "b"); return err },
	} {
		done := make(chan error, 1)
		go func() { done <- call() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(5 * time.Second):
			t.Errorf("%s: no answer after 5 s from a silent keychain: the call is not bounded", name)
			continue
		}
		var ke *Error
		if !errors.As(err, &ke) || !strings.Contains(err.Error(), "did not answer") {
			t.Errorf("%s: %v, want a keychain Error about no answer", name, err)
		}
	}
}

// firstSetWaits is a keychain whose first Set waits until release is
// closed (a keychain behind an unlock prompt); later calls answer at once.
type firstSetWaits struct {
	mu      sync.Mutex
	items   map[string]string
	sets    int // begun
	done    int // written
	release chan struct{}
}

func (k *firstSetWaits) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.items[user], nil
}

func (k *firstSetWaits) Set(service, user, password string) error {
	k.mu.Lock()
	k.sets++
	if k.sets == 1 {
		k.mu.Unlock()
		<-k.release
		k.mu.Lock()
	}
	defer k.mu.Unlock()
	k.items[user] = password
	k.done++
	return nil
}

func (k *firstSetWaits) Delete(service, user string) error { return nil }

// A save given up at its deadline that lands later does not overwrite a
// newer save: the calls reach the keychain in the order they were made.
func TestLateSaveDoesNotOverwriteANewerOne(t *testing.T) {
	kr := &firstSetWaits{items: map[string]string{}, release: make(chan struct{})}
	s := &Store{Keyring: kr, Service: "tokentray-test", Timeout: 50 * time.Millisecond}
	if err := s.set("keep", "work", "older"); err == nil {
		t.Fatal("the waiting keychain answered")
	}
	newer := make(chan error, 1)
	go func() { newer <- s.set("keep", "work", "newer") }()
	time.AfterFunc(100*time.Millisecond, func() { close(kr.release) }) // the unlock prompt answered
	<-newer
	testkit.Eventually(t, 5*time.Second, "the saves did not both land", func() bool {
		kr.mu.Lock()
		defer kr.mu.Unlock()
		return kr.done == 2
	})
	if got := kr.items["work"]; got != "newer" {
		t.Errorf("kept %q: the late save overwrote the newer one", got)
	}
}

// A write that waits on the keychain holds up neither reads nor writes
// of other items (another profile's sign-in).
func TestWaitingSaveHoldsUpNoOtherItem(t *testing.T) {
	kr := &firstSetWaits{items: map[string]string{"home": "kept"}, release: make(chan struct{})}
	defer close(kr.release)
	s := &Store{Keyring: kr, Service: "tokentray-test", Timeout: time.Second}
	go func() { _ = s.set("keep", "work", "waits") }()
	testkit.Eventually(t, 5*time.Second, "the first save never began", func() bool {
		kr.mu.Lock()
		defer kr.mu.Unlock()
		return kr.sets == 1
	})
	if v, err := s.get("load", "home"); err != nil || v != "kept" {
		t.Errorf("a read while another item's save waits: %q, %v", v, err)
	}
	if err := s.set("keep", "home", "new"); err != nil {
		t.Errorf("a save of another item while one waits: %v", err)
	}
}

func TestRecordNeverPrintsTokens(t *testing.T) {
	r := cognitoSized(1)
	for _, s := range []string{fmt.Sprint(r), fmt.Sprintf("%v %+v %#v %s", *r, *r, *r, r)} {
		if strings.Contains(s, r.AccessToken[:20]) || strings.Contains(s, r.RefreshToken[:20]) {
			t.Errorf("formatting a Record shows a token: %s", s)
		}
	}
}

func TestSplitUTF8(t *testing.T) {
	s := strings.Repeat("aé€😀", 50)
	for n := 4; n < 20; n++ {
		parts := splitUTF8(s, n)
		if strings.Join(parts, "") != s {
			t.Fatalf("n=%d: parts do not join back", n)
		}
		for _, p := range parts {
			if len(p) > n || !strings.HasPrefix(s[strings.Index(s, p):], p) || !isValidUTF8(p) {
				t.Fatalf("n=%d: bad part %q", n, p)
			}
		}
	}
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// A private key kept as a profile's secret (an RSA-4096 PEM is 3.2 KB) is
// split like a long record where a keychain limits item size, and read
// back whole; a smaller one replaces it, and deleting leaves nothing.
func TestSecretSplitsWhatKeychainsLimit(t *testing.T) {
	kr := NewMemory(2560)
	s := MemoryStore(kr)
	pem := "-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("MIIJQgIBADANBgkqhkiG9w0BAQEFAASCCSwwggkoAgEAAoICAQC7\n", 62) + "-----END PRIVATE KEY-----\n"
	for _, secret := range []string{pem, "short-secret", pem + "x"} {
		if err := s.SetSecret("sa", "v1:b", secret); err != nil {
			t.Fatalf("save a %d-byte secret: %v", len(secret), err)
		}
		if got, err := s.Secret("sa", "v1:b"); err != nil || got != secret {
			t.Fatalf("a %d-byte secret read back as %d bytes, %v", len(secret), len(got), err)
		}
	}
	if _, err := s.Secret("sa", "v1:other"); !errors.Is(err, ErrSecretElsewhere) {
		t.Errorf("a long secret read for other settings: %v", err)
	}
	if err := s.DeleteSecret("sa"); err != nil {
		t.Fatal(err)
	}
	if names := kr.Names(); len(names) != 0 {
		t.Errorf("after DeleteSecret: %v", names)
	}
}

// Said says each of the store's words in the language in use, and in
// English exactly as the code has it (the names stay English in errors
// and `status --json`, so the two must not drift apart).
func TestSaid(t *testing.T) {
	defer words.Use("en")
	all := []string{nameMacOS, nameWindows, nameSecretService, nameSealed, nameSealedPass, nameInsecure, absentNoBus, absentNoService, absentNoListener}
	words.Use("en")
	for _, s := range all {
		if got := Said(s); got != s {
			t.Errorf("Said(%q) in English = %q", s, got)
		}
	}
	words.Use("de")
	for _, s := range all {
		if got := Said(s); got == s {
			t.Errorf("Said(%q) in German is the English", s)
		}
	}
	if got := Said("elsewhere"); got != "elsewhere" {
		t.Errorf("Said of another text = %q, want it as it is", got)
	}
}
