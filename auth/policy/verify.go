package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/hiddeco/sshsig"
	"github.com/tokentray/tokentray/auth/safefile"
	"golang.org/x/crypto/ssh"
)

// Namespace is the SSHSIG namespace of profile files: a signature made for
// anything else (git commits, "file") does not vouch for a profile.
const Namespace = "tokentray-profile"

// Status is what a signature says about a profile file.
type Status int

const (
	Unsigned   Status = iota // no signature file
	Signed                   // signed by an allowed signer, and unchanged since
	Mismatch                 // changed since it was signed, or a damaged signature
	NotAllowed               // signed, but not by a key allowed here and now
)

func (s Status) String() string {
	switch s {
	case Unsigned:
		return "unsigned"
	case Signed:
		return "signed"
	case Mismatch:
		return "signature mismatch"
	case NotAllowed:
		return "signer not allowed"
	}
	return fmt.Sprintf("status %d", int(s))
}

// Verdict is the outcome of checking a profile file's signature.
type Verdict struct {
	Status Status
	// Principal is, when Signed, the first principal of the allowed
	// signer's line, as written (it may be a pattern).
	Principal string
	// Key is the SHA256:… fingerprint of the signing key, when the
	// signature could be read.
	Key string
	// Why says in plain words why a file is not Signed.
	Why string
}

const armorBegin = "-----BEGIN SSH SIGNATURE-----"

// Verify checks data (the profile file's bytes, as read) against sig (the
// bytes of its .sig file; nil = no signature file) for the signers at time
// now.
func Verify(data, sig []byte, signers []Signer, now time.Time) Verdict {
	if sig == nil {
		return Verdict{Status: Unsigned, Why: "the file is not signed"}
	}
	var v Verdict
	s, damaged := parseSignature(sig)
	if s != nil {
		v.Key = ssh.FingerprintSHA256(s.PublicKey)
	}
	if len(signers) == 0 {
		// Nothing could vouch for the file, whatever the signature holds.
		v.Status, v.Why = NotAllowed, "no allowed signers are listed"
		return v
	}
	if damaged != "" {
		v.Status, v.Why = Mismatch, damaged
		return v
	}
	if s.Namespace != Namespace {
		v.Status = NotAllowed
		v.Why = fmt.Sprintf("the signature was made for %q, not for tokentray profiles (sign with -n %s)", s.Namespace, Namespace)
		return v
	}
	signer, why := allowedSigner(s.PublicKey, signers, now)
	if signer == nil {
		v.Status, v.Why = NotAllowed, why
		return v
	}
	if err := sshsig.Verify(bytes.NewReader(data), s, s.PublicKey, s.HashAlgorithm, Namespace); err != nil {
		v.Status, v.Why = Mismatch, "the file was changed after it was signed (its signature does not match its contents)"
		return v
	}
	v.Status, v.Principal = Signed, signer.Principals[0]
	return v
}

// maxSig bounds a signature file: under 2 KB even with an RSA-4096 key.
const maxSig = 64 << 10

// parseSignature reads an armored SSHSIG; damaged says what is wrong.
func parseSignature(sig []byte) (s *sshsig.Signature, damaged string) {
	if len(sig) > maxSig {
		return nil, fmt.Sprintf("the signature file is larger than %d KB", maxSig>>10)
	}
	// OpenSSH too wants the armor at the very start.
	if !bytes.HasPrefix(sig, []byte(armorBegin)) {
		return nil, "the signature file is not an SSH signature (it does not start with " + armorBegin + ")"
	}
	s, err := sshsig.Unarmor(sig)
	if err != nil {
		return nil, "the signature file is damaged or in a format tokentray does not know"
	}
	return s, ""
}

// allowedSigner finds the first line that lets key sign profiles at now,
// as OpenSSH does; otherwise it says why none does, after the first line
// that lists the key.
func allowedSigner(key ssh.PublicKey, signers []Signer, now time.Time) (*Signer, string) {
	var keyWhy, caWhy string
	keyBytes := key.Marshal()
	cert, _ := key.(*ssh.Certificate)
	for i := range signers {
		s := &signers[i]
		line := s.Key.Marshal()
		if s.CertAuthority {
			if bytes.Equal(line, keyBytes) || cert != nil && bytes.Equal(line, cert.SignatureKey.Marshal()) {
				caWhy = fmt.Sprintf("the signing key is allowed only as a certificate authority (cert-authority, line %d of the allowed signers), which tokentray does not support", s.Line)
			}
			continue
		}
		if !bytes.Equal(line, keyBytes) {
			continue
		}
		var why string
		switch {
		case len(s.Namespaces) > 0 && !matchList(Namespace, s.Namespaces):
			why = fmt.Sprintf("the signing key may sign only for %s (line %d of the allowed signers), not for tokentray profiles", strings.Join(s.Namespaces, ","), s.Line)
		case !s.ValidAfter.IsZero() && now.Before(s.ValidAfter):
			why = fmt.Sprintf("the signing key is not valid yet (valid after %s)", day(s.ValidAfter))
		case !s.ValidBefore.IsZero() && now.After(s.ValidBefore):
			why = fmt.Sprintf("the signature has expired (valid before %s)", day(s.ValidBefore))
		default:
			return s, ""
		}
		if keyWhy == "" {
			keyWhy = why
		}
	}
	switch {
	case keyWhy != "":
		return nil, keyWhy
	case caWhy != "":
		return nil, caWhy
	}
	return nil, "signed by a key that is not among the allowed signers"
}

// day shows a validity bound as briefly as it was likely written.
func day(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05 MST")
}

// Check verifies a profile file's data against file+".sig" (absent =
// Unsigned) and the policy's allowed signers, read as ReadNamed reads.
func (p *Policy) Check(file string, data []byte, now time.Time) Verdict {
	sig, v := ReadSignature(file)
	if v != nil {
		return *v
	}
	return p.CheckSignature(data, sig, now)
}

// ReadSignature reads file+".sig": nil with a verdict when there is none
// (Unsigned) or it cannot be used (Mismatch).
func ReadSignature(file string) ([]byte, *Verdict) {
	sigPath := file + ".sig"
	sig, err := safefile.Read(sigPath, maxSig, nil)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &Verdict{Status: Unsigned, Why: "the file is not signed (there is no " + sigPath + ")"}
	case err != nil: // too large, not a regular file, no permission
		return nil, &Verdict{Status: Mismatch, Why: "could not use the signature file: " + err.Error()}
	}
	if sig == nil {
		sig = []byte{} // an empty file is a (damaged) signature, not none
	}
	return sig, nil
}

// CheckSignature verifies data against sig (the bytes of its .sig file)
// and the policy's allowed signers, read as ReadNamed reads.
func (p *Policy) CheckSignature(data, sig []byte, now time.Time) Verdict {
	if p.AllowedSigners == "" {
		v := Verify(data, sig, nil, now)
		v.Why = "this computer has no list of allowed signers (policy allowed_signers)"
		return v
	}
	list, err := p.ReadNamed(p.AllowedSigners)
	var signers []Signer
	if err == nil {
		signers, err = ParseAllowedSigners(p.AllowedSigners, list)
	}
	v := Verify(data, sig, signers, now)
	switch {
	case err != nil:
		v.Why = "the list of allowed signers could not be read: " + err.Error()
	case len(signers) == 0:
		v.Why = "the list of allowed signers " + p.AllowedSigners + " names no one"
	}
	return v
}
