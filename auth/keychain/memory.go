package keychain

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// Memory is a keychain in memory: for tests, to inject faults, and to hold
// to the size limits of keychains that cannot run here — Windows
// Credential Manager refuses values over 2,560 bytes, macOS Keychain
// (through go-keyring's command line) about 3,000.
type Memory struct {
	mu       sync.Mutex
	items    map[string]string
	maxValue int
	// failSetAfter makes every Set after that many succeed fail, as a crash
	// or a full keychain would; -1 never fails.
	failSetAfter int
	// getErr, when set, is every Get's answer: a locked keychain.
	getErr     error
	sets, gets int
	block      chan struct{} // when set, every call waits on it
}

// NewMemory is an empty keychain that refuses values longer than maxValue
// bytes (0: no limit).
func NewMemory(maxValue int) *Memory {
	return &Memory{items: map[string]string{}, maxValue: maxValue, failSetAfter: -1}
}

func (m *Memory) wait() {
	if m.block != nil {
		<-m.block
	}
}

func (m *Memory) Get(service, user string) (string, error) {
	m.wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gets++
	if m.getErr != nil {
		return "", m.getErr
	}
	v, ok := m.items[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (m *Memory) Set(service, user, password string) error {
	m.wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.maxValue > 0 && len(password) > m.maxValue {
		return keyring.ErrSetDataTooBig
	}
	if m.failSetAfter >= 0 && m.sets >= m.failSetAfter {
		return errors.New("injected keychain failure")
	}
	m.sets++
	m.items[service+"\x00"+user] = password
	return nil
}

func (m *Memory) Delete(service, user string) error {
	m.wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	k := service + "\x00" + user
	if _, ok := m.items[k]; !ok {
		return keyring.ErrNotFound
	}
	delete(m.items, k)
	return nil
}

// Names are the item names it holds, in no order.
func (m *Memory) Names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.items {
		out = append(out, strings.SplitN(k, "\x00", 2)[1])
	}
	return out
}

// FailSets makes every Set from now on fail, as a full keychain would.
func (m *Memory) FailSets() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failSetAfter = m.sets
}

// Lock makes every Get fail with err, as a locked keychain does; nil
// unlocks it.
func (m *Memory) Lock(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.getErr = err
}

// Gets is how many times it was read.
func (m *Memory) Gets() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gets
}

// MemoryStore is a Store on kr, as the tests use it (service
// "tokentray-test").
func MemoryStore(kr Keyring) *Store {
	return &Store{Keyring: kr, Service: "tokentray-test", Timeout: time.Second, ChunkSize: 2000}
}
