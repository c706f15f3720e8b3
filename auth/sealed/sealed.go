// Package sealed keeps small secrets in files sealed with a data key, for
// machines with no desktop keychain: SSH servers, containers, WSL. The data
// key lives where the user chose (see Mode); only sealed items are on disk,
// unless the user asked for a plain key file in words that say what it means.
//
// A Keyring has the shape of keychain.Keyring, which puts it under the
// keychain store's records, bounds and locks. It starts no goroutines and
// no timers, so an idle tray that holds one stays idle.
package sealed

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/scrypt"

	"github.com/tokentray/tokentray/auth/safefile"
	"github.com/tokentray/tokentray/words"
)

// Mode is where the data key is kept.
type Mode string

const (
	// ModeKernel keeps the data key in the Linux kernel's persistent
	// keyring: memory only, forgotten at restart and after days unused.
	ModeKernel Mode = "kernel"
	// ModePassphrase keeps the data key in a file sealed with a passphrase;
	// Unlock keeps it unsealed in the kernel keyring until restart.
	ModePassphrase Mode = "passphrase"
	// ModeInsecure keeps the data key in a plain file next to the items.
	ModeInsecure Mode = "insecure"
)

var (
	// ErrNotFound is an item that does not exist.
	ErrNotFound = errors.New("no such sealed item")
	// ErrKeyLost is an item sealed with a data key that is gone. It is also
	// ErrNotFound: code that knows only "not found" offers a new sign-in,
	// and the next Set seals with a new key.
	ErrKeyLost error = keyLost{}
	// ErrLocked is a passphrase-sealed data key that no one has unlocked
	// since the last restart.
	ErrLocked = errors.New("the sealed store is locked; run `tokentray unlock`")
	// ErrNoKernelKeyring is a system whose kernel keyring cannot be used.
	ErrNoKernelKeyring = errors.New("the kernel keyring is not available")
	// ErrNotSetUp is a directory where Setup has not been run.
	ErrNotSetUp = errors.New("no sealed store is set up there")
)

type keyLost struct{}

func (keyLost) Error() string {
	return "its data key is gone (the kernel keyring forgets it at every restart and after days unused, or the store was set up anew); sign in again"
}

func (keyLost) Is(target error) bool { return target == ErrNotFound }

// errNoKey is a data key that is not where the mode keeps it.
var errNoKey = errors.New("no data key")

const (
	modeFile     = "mode"
	wrappedFile  = "data-key"
	insecureFile = "data-key.insecure"
	lockFile     = "lock"
	itemSuffix   = ".sealed"
	keySize      = chacha20poly1305.KeySize
	version      = 1
)

// keyPrefix starts the name of a store's data key in the kernel keyring;
// the store's id (in its mode file) ends it, so that two stores of one
// user (another HOME, a test's) never share or forget each other's key.
const keyPrefix = "tokentray:data-key:"

// scryptLogN is the passphrase's work factor: 2^17 × 8 × 128 bytes is
// 128 MiB of memory and about 0.5 s here, paid once per restart. Tests
// lower it.
var scryptLogN = 17

// Keyring keeps items as files sealed with a data key. Its methods are safe
// for concurrent use.
type Keyring struct {
	dir string
	id  string // names the data key in the kernel keyring

	mu   sync.Mutex
	mode Mode
	key  []byte // ModePassphrase without a kernel keyring: unlocked in this process only
}

// Open is the store set up in dir; ErrNotSetUp if Setup never ran there.
func Open(dir string) (*Keyring, error) {
	if err := checkDir(dir, false); err != nil {
		return nil, err
	}
	mode, id, err := readMode(dir)
	if err != nil {
		return nil, err
	}
	return &Keyring{dir: dir, id: id, mode: mode}, nil
}

// Setup chooses where the data key of the store in dir is kept, creating the
// directory. The current data key, if any, moves to its new place, so items
// sealed so far stay readable; a plain key file does not outlive
// ModeInsecure. passphrase goes with ModePassphrase only.
func Setup(dir string, mode Mode, passphrase string) (*Keyring, error) {
	switch {
	case mode != ModeKernel && mode != ModePassphrase && mode != ModeInsecure:
		return nil, fmt.Errorf("unknown way to keep the data key: %q", mode)
	case mode == ModePassphrase && passphrase == "":
		return nil, errors.New("keeping the data key under a passphrase needs a passphrase")
	case mode != ModePassphrase && passphrase != "":
		return nil, fmt.Errorf("a passphrase is used only to keep the data key under a passphrase, not in mode %q", mode)
	}
	if err := checkDir(dir, true); err != nil {
		return nil, err
	}
	unlock, err := lockDir(filepath.Join(dir, lockFile))
	if err != nil {
		return nil, err
	}
	defer unlock()
	return setupLocked(dir, mode, passphrase)
}

// Create opens the store in dir, setting it up first with the data key in
// the kernel keyring if it is not set up yet: what a first sign-in on a
// machine without a desktop keychain does. Two processes doing so at once
// end with one store.
func Create(dir string) (*Keyring, error) {
	if k, err := Open(dir); !errors.Is(err, ErrNotSetUp) {
		return k, err
	}
	if err := checkDir(dir, true); err != nil {
		return nil, err
	}
	unlock, err := lockDir(filepath.Join(dir, lockFile))
	if err != nil {
		return nil, err
	}
	defer unlock()
	if k, err := Open(dir); !errors.Is(err, ErrNotSetUp) {
		return k, err
	}
	return setupLocked(dir, ModeKernel, "")
}

// CheckKernel tells whether the kernel keyring can be used here: nil, or
// an error wrapping ErrNoKernelKeyring.
func CheckKernel() error {
	_, err := kernelGet(keyPrefix + "probe")
	return err
}

// setupLocked is Setup under the store's lock.
func setupLocked(dir string, mode Mode, passphrase string) (*Keyring, error) {
	var key []byte
	id := newID()
	if old, err := Open(dir); err == nil {
		id = old.id
		key, err = old.dataKey()
		if errors.Is(err, ErrLocked) && mode == ModePassphrase {
			if err = old.Unlock(passphrase); err == nil {
				key, err = old.dataKey()
			}
		}
		if errors.Is(err, errNoKey) || errors.Is(err, ErrNoKernelKeyring) {
			key, err = nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("move the data key of %s: %w", dir, err)
		}
	} else if !errors.Is(err, ErrNotSetUp) {
		return nil, err
	}
	k := &Keyring{dir: dir, id: id, mode: mode}
	var err error
	switch {
	case mode == ModeKernel && key == nil:
		_, err = k.kernelKey() // only to fail now where there is no kernel keyring; the key is made on the first Set
	case mode == ModeKernel:
		err = k.kernelSet(key)
	case mode == ModePassphrase:
		err = k.wrap(orNew(key), passphrase, false)
	case mode == ModeInsecure:
		err = writeFile(k.file(insecureFile), orNew(key), false)
	}
	if err == nil {
		err = writeFile(k.file(modeFile), []byte(string(mode)+" "+id+"\n"), false)
	}
	if err != nil {
		return nil, fmt.Errorf("set up the sealed store in %s: %w", dir, err)
	}
	for m, name := range map[Mode]string{ModeInsecure: insecureFile, ModePassphrase: wrappedFile} {
		if m != mode {
			if err := os.Remove(k.file(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("remove the old data key: %w", err)
			}
		}
	}
	return k, nil
}

// Mode is where the data key is kept, read again from the directory: another
// process may have run Setup since Open.
func (k *Keyring) Mode() Mode {
	if m, _, err := readMode(k.dir); err == nil {
		k.setMode(m)
	}
	return k.cachedMode()
}

// Dir is the store's directory.
func (k *Keyring) Dir() string { return k.dir }

// Ready tells whether items can be read and sealed now: nil, ErrLocked
// (a passphrase no one typed since the last restart) or ErrNoKernelKeyring
// (a mode that needs it, where it cannot be used). A kernel data key that
// is gone, or not made yet, is no fault: the next Set makes one.
func (k *Keyring) Ready() error {
	_, err := k.dataKey()
	if errors.Is(err, errNoKey) {
		return nil
	}
	return err
}

// Forget removes the data key from the kernel keyring (and this process),
// as a restart does: a passphrase store is locked again, a kernel store's
// items are lost.
func (k *Keyring) Forget() error {
	k.mu.Lock()
	k.key = nil
	k.mu.Unlock()
	err := kernelForget(k.desc())
	if errors.Is(err, ErrNoKernelKeyring) {
		return nil
	}
	return err
}

func (k *Keyring) cachedMode() Mode {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.mode
}

func (k *Keyring) setMode(m Mode) {
	k.mu.Lock()
	k.mode = m
	k.mu.Unlock()
}

// Describe says in one sentence where the data key lives and what that
// protects against, in the language in use.
func (k *Keyring) Describe() string {
	_, ring, kerr := kernelRing()
	k.mu.Lock()
	inProcess := k.key != nil
	k.mu.Unlock()
	switch k.Mode() {
	case ModeInsecure:
		return words.T("The data key is in the plain file {file}: anyone who can read {dir} can read the tokens, so this protects them from nothing but a glance.",
			"file", k.file(insecureFile), "dir", k.dir)
	case ModePassphrase:
		if inProcess || errors.Is(kerr, ErrNoKernelKeyring) {
			return words.T("The data key is sealed with your passphrase in {file}, which protects the tokens from anyone who copies {dir} without knowing it; once unlocked, the key is kept in this process only (there is no kernel keyring here), so every tokentray process must be unlocked on its own, and in each the key is open to programs running as you.",
				"file", k.file(wrappedFile), "dir", k.dir)
		}
		return words.T("The data key is sealed with your passphrase in {file}, which protects the tokens from anyone who copies {dir} without knowing it; once unlocked, the key is kept in your kernel keyring until the next restart (or days unused), open to programs running as you.",
			"file", k.file(wrappedFile), "dir", k.dir)
	case ModeKernel:
		if kerr != nil {
			return words.T("The data key should be in the kernel keyring, but {reason}, so the tokens in {dir} cannot be read or kept.", "reason", kerr.Error(), "dir", k.dir)
		}
		if ring == "user" {
			return words.T("The data key is kept in memory only, in your kernel user keyring (this kernel has no persistent keyring); the kernel forgets it when your last process ends and at every restart, and you sign in again then. It protects the tokens in {dir} from anyone who copies the files, not from programs running as you.", "dir", k.dir)
		}
		return words.T("The data key is kept in memory only, in your kernel persistent keyring, which outlives logout; the kernel forgets it at every restart and after days unused (3 by default), and you sign in again then. It protects the tokens in {dir} from anyone who copies the files, not from programs running as you.", "dir", k.dir)
	}
	return ""
}

// Get returns the item's value; ErrNotFound when there is none, ErrKeyLost
// when its data key is gone, ErrLocked when the passphrase is needed first.
func (k *Keyring) Get(service, user string) (string, error) {
	path, err := k.itemPath(service, user)
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("the sealed item for %s: %w", user, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("read the sealed item for %s: %w", user, err)
	}
	key, err := k.dataKey()
	if errors.Is(err, errNoKey) {
		return "", fmt.Errorf("the sealed item for %s: %w", user, ErrKeyLost)
	}
	if err != nil {
		return "", err
	}
	if len(data) < 1+8 || data[0] != version {
		return "", fmt.Errorf("the sealed item for %s is not one this version of tokentray can open; remove %s and sign in again", user, path)
	}
	if string(data[1:9]) != string(keyID(key)) {
		return "", fmt.Errorf("the sealed item for %s: %w", user, ErrKeyLost)
	}
	plain, err := unseal(key, data, 9, itemAD(service, user))
	if err != nil {
		return "", fmt.Errorf("the sealed item for %s cannot be opened: it was sealed with another data key, or changed; remove %s and sign in again", user, path)
	}
	return string(plain), nil
}

// Set seals value as the item, replacing it at once: a crash leaves the old
// item or the new one. In ModeKernel a lost data key is made anew.
func (k *Keyring) Set(service, user, value string) error {
	path, err := k.itemPath(service, user)
	if err != nil {
		return err
	}
	key, err := k.dataKey()
	if errors.Is(err, errNoKey) {
		key, err = k.newKey()
	}
	if err != nil {
		return fmt.Errorf("keep the sealed item for %s: %w", user, err)
	}
	header := append([]byte{version}, keyID(key)...)
	if err := writeFile(path, seal(key, header, []byte(value), itemAD(service, user)), false); err != nil {
		return fmt.Errorf("keep the sealed item for %s: %w", user, err)
	}
	return nil
}

// Delete removes the item; ErrNotFound when there is none. It needs no key.
func (k *Keyring) Delete(service, user string) error {
	path, err := k.itemPath(service, user)
	if err != nil {
		return err
	}
	err = os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the sealed item for %s: %w", user, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("remove the sealed item for %s: %w", user, err)
	}
	return nil
}

// Unlock unseals the data key with the passphrase and keeps it in the kernel
// keyring, where every later process finds it until restart, or in this
// process where there is no kernel keyring.
func (k *Keyring) Unlock(passphrase string) error {
	if m := k.Mode(); m != ModePassphrase {
		return fmt.Errorf("the sealed store in %s keeps its data key in mode %q, not under a passphrase", k.dir, m)
	}
	path := k.file(wrappedFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read the passphrase-sealed data key: %w", err)
	}
	if len(data) < 2+16 || data[0] != version || data[1] < 10 || data[1] > 20 {
		return fmt.Errorf("%s is not a data key this version of tokentray can open", path)
	}
	key, err := unseal(passKey(passphrase, data), data, 18, nil)
	if err != nil || len(key) != keySize {
		return fmt.Errorf("the passphrase does not open %s: it is not the one set for it, or the file was changed", path)
	}
	return k.keepUnlocked(key)
}

// SetPassphrase seals the data key with a new passphrase, making the key if
// there is none yet; a locked key must be unlocked first.
func (k *Keyring) SetPassphrase(passphrase string) error {
	if m := k.Mode(); m != ModePassphrase {
		return fmt.Errorf("the sealed store in %s keeps its data key in mode %q; run setup to keep it under a passphrase", k.dir, m)
	}
	if passphrase == "" {
		return errors.New("the passphrase is empty")
	}
	key, err := k.dataKey()
	switch {
	case err == nil:
		return k.wrap(key, passphrase, false)
	case errors.Is(err, errNoKey):
		return k.wrap(orNew(nil), passphrase, true)
	}
	return err
}

// dataKey finds the data key where the mode keeps it: errNoKey when it is
// not there, ErrLocked when only its sealed copy is.
func (k *Keyring) dataKey() ([]byte, error) {
	mode := k.cachedMode()
	key, err := k.keyIn(mode)
	if errors.Is(err, errNoKey) || errors.Is(err, ErrLocked) {
		// Another process may have run Setup and moved the key.
		if m, _, merr := readMode(k.dir); merr == nil && m != mode {
			k.setMode(m)
			return k.keyIn(m)
		}
	}
	return key, err
}

func (k *Keyring) keyIn(mode Mode) ([]byte, error) {
	switch mode {
	case ModeInsecure:
		key, err := os.ReadFile(k.file(insecureFile))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, errNoKey
		case err != nil:
			return nil, fmt.Errorf("read the data key: %w", err)
		case len(key) != keySize:
			return nil, fmt.Errorf("%s is damaged (%d bytes, not %d); remove it and sign in again", k.file(insecureFile), len(key), keySize)
		}
		return key, nil
	case ModePassphrase:
		k.mu.Lock()
		key := k.key
		k.mu.Unlock()
		if key != nil {
			return key, nil
		}
		key, err := k.kernelKey()
		if key != nil || (err != nil && !errors.Is(err, ErrNoKernelKeyring)) {
			return key, err
		}
		if _, err := os.Stat(k.file(wrappedFile)); errors.Is(err, fs.ErrNotExist) {
			return nil, errNoKey
		}
		return nil, ErrLocked
	}
	key, err := k.kernelKey()
	if key == nil && err == nil {
		err = errNoKey
	}
	return key, err
}

// newKey makes the data key, where it is made on demand. Two processes
// doing so at once end with the same key.
func (k *Keyring) newKey() ([]byte, error) {
	switch k.cachedMode() {
	case ModeInsecure:
		err := writeFile(k.file(insecureFile), orNew(nil), true)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		return k.keyIn(ModeInsecure)
	case ModeKernel:
		unlock, err := lockDir(k.file(lockFile))
		if err != nil {
			return nil, err
		}
		defer unlock()
		key, err := k.keyIn(ModeKernel)
		if errors.Is(err, errNoKey) {
			key = orNew(nil)
			err = k.kernelSet(key)
		}
		return key, err
	}
	return nil, fmt.Errorf("the passphrase-sealed data key %s is missing; run setup again", k.file(wrappedFile))
}

// wrap seals key with passphrase into the data-key file (a new one only, if
// create) and keeps the key unlocked.
func (k *Keyring) wrap(key []byte, passphrase string, create bool) error {
	header := make([]byte, 2+16)
	header[0], header[1] = version, byte(scryptLogN)
	rand.Read(header[2:])
	err := writeFile(k.file(wrappedFile), seal(passKey(passphrase, header), header, key, nil), create)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("another process set a passphrase for %s just now; unlock with that one", k.dir)
	}
	if err != nil {
		return fmt.Errorf("keep the passphrase-sealed data key: %w", err)
	}
	return k.keepUnlocked(key)
}

// passKey derives the key that seals the data key from the passphrase and
// the data-key file's header: version, log2 of scrypt's N, salt.
func passKey(passphrase string, header []byte) []byte {
	kek, err := scrypt.Key([]byte(passphrase), header[2:18], 1<<header[1], 8, 1, keySize)
	if err != nil {
		panic(err) // only for parameters out of range, which the header checks keep out
	}
	return kek
}

func (k *Keyring) keepUnlocked(key []byte) error {
	err := k.kernelSet(key)
	if errors.Is(err, ErrNoKernelKeyring) {
		k.mu.Lock()
		k.key = key
		k.mu.Unlock()
		return nil
	}
	return err
}

func (k *Keyring) kernelKey() ([]byte, error) {
	key, err := kernelGet(k.desc())
	if key != nil && len(key) != keySize {
		return nil, fmt.Errorf("the kernel keyring holds a %q of %d bytes, not a data key", k.desc(), len(key))
	}
	return key, err
}

func (k *Keyring) kernelSet(key []byte) error { return kernelSet(k.desc(), key) }

// desc names the store's data key in the kernel keyring.
func (k *Keyring) desc() string { return keyPrefix + k.id }

func (k *Keyring) file(name string) string { return filepath.Join(k.dir, name) }

// itemPath names the item's file so that a person listing the directory can
// tell whose it is, yet it can never leave the directory: every byte but
// [a-z0-9._-] is written %XX. Capitals are escaped too, so that "Work" and
// "work" stay apart on case-insensitive disks (macOS, Windows).
func (k *Keyring) itemPath(service, user string) (string, error) {
	name := escape(service) + "+" + escape(user) + itemSuffix
	if len(name) > 255 {
		return "", fmt.Errorf("the item name %q is too long to keep as a file", user)
	}
	return k.file(name), nil
}

func escape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// itemAD binds a sealed item to its name: a file copied or renamed to
// another item fails to open.
func itemAD(service, user string) []byte {
	return fmt.Appendf(nil, "%d:%s%s", len(service), service, user)
}

// keyID tells which data key sealed an item, so that a key that is gone
// reads as ErrKeyLost, not as a damaged item. It says nothing about the key.
func keyID(key []byte) []byte {
	sum := sha256.Sum256(append([]byte("tokentray sealed key id\x00"), key...))
	return sum[:8]
}

// seal returns header, a fresh random nonce and plain sealed with key
// (XChaCha20-Poly1305); header and ad are authenticated with it.
func seal(key, header, plain, ad []byte) []byte {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		panic(err) // only for a key of the wrong size
	}
	out := append(header[:len(header):len(header)], make([]byte, aead.NonceSize())...)
	nonce := out[len(header):]
	rand.Read(nonce)
	return aead.Seal(out, nonce, plain, append(header[:len(header):len(header)], ad...))
}

// unseal opens what seal made with a header of n bytes.
func unseal(key, data []byte, n int, ad []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil || len(data) < n+aead.NonceSize() {
		return nil, errors.New("too short")
	}
	nonce := data[n : n+aead.NonceSize()]
	return aead.Open(nil, nonce, data[n+aead.NonceSize():], append(data[:n:n], ad...))
}

func orNew(key []byte) []byte {
	if key == nil {
		key = make([]byte, keySize)
		rand.Read(key)
	}
	return key
}

// writeFile writes data to a temporary file in the same directory, syncs it
// and then moves it into place (safefile.WriteAtomic), or, if create, links
// it there only if nothing is (fs.ErrExist otherwise). Either way a reader,
// or a crash, sees the whole old file or the whole new one. The file is
// 0600.
func writeFile(path string, data []byte, create bool) error {
	if !create {
		return safefile.WriteAtomic(path, data)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp, path)
	}
	_ = os.Remove(tmp)
	return err
}

// newID names a new store's data key: random, so that no other store of
// the user has it.
func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// readMode reads the mode file: the mode and the store's id, "kernel
// 0123456789abcdef".
func readMode(dir string) (Mode, string, error) {
	path := filepath.Join(dir, modeFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", fmt.Errorf("%s: %w", dir, ErrNotSetUp)
	}
	if err != nil {
		return "", "", fmt.Errorf("read how the sealed store keeps its data key: %w", err)
	}
	m, id, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	switch Mode(m) {
	case ModeKernel, ModePassphrase, ModeInsecure:
	default:
		return "", "", fmt.Errorf("%s names an unknown way to keep the data key (%.20q); remove the directory and sign in again", path, m)
	}
	if len(id) != 16 || strings.Trim(id, "0123456789abcdef") != "" {
		return "", "", fmt.Errorf("%s is damaged (no store id); remove the directory and sign in again", path)
	}
	return Mode(m), id, nil
}

// checkDir refuses a directory others could write to or swap files in, and
// makes one others may only look into the user's alone (0700).
func checkDir(dir string, create bool) error {
	if create {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create the sealed store: %w", err)
		}
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %w", dir, ErrNotSetUp)
	case err != nil:
		return fmt.Errorf("look at the sealed store: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("the sealed store %s is not a directory", dir)
	}
	return checkOwner(dir, fi)
}
