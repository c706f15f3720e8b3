package cli

import (
	"encoding/json"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/auth"
)

func (e *env) kubectlCredentialCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "kubectl-credential [PROFILE]",
		Short: "Print a Kubernetes ExecCredential with the access token (a kubectl credential plugin)",
		Long: `A kubectl exec credential plugin: prints an ExecCredential holding the live
access token and its expiry, so kubectl asks again only when it runs out.
client.authentication.k8s.io/v1 unless KUBERNETES_EXEC_INFO asks for
v1beta1. In a kubeconfig:

  users:
  - name: work
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1
        command: tokentray
        args: ["kubectl-credential", "work"]
        interactiveMode: Never`,
		Example:           "  tokentray kubectl-credential work",
		Args:              usage(cobra.MaximumNArgs(1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, b, err := e.profileAndClient(args)
			if err != nil {
				return err
			}
			tok, err := b.Token(e.ctx, p.Name, auth.DefaultMinValid)
			if err != nil {
				return err
			}
			return json.NewEncoder(e.stdout).Encode(execCredential(os.Getenv("KUBERNETES_EXEC_INFO"), tok.AccessToken, tok.Expiry))
		},
	}
}

// execCredential is the ExecCredential kubectl reads from a plugin, in the
// version its KUBERNETES_EXEC_INFO asks for.
func execCredential(info, token string, expiry time.Time) map[string]any {
	version := "client.authentication.k8s.io/v1"
	var asked struct {
		APIVersion string `json:"apiVersion"`
	}
	if json.Unmarshal([]byte(info), &asked) == nil && strings.HasPrefix(asked.APIVersion, "client.authentication.k8s.io/") {
		version = asked.APIVersion
	}
	status := map[string]any{"token": token}
	if !expiry.IsZero() {
		status["expirationTimestamp"] = expiry.UTC().Format(time.RFC3339)
	}
	return map[string]any{"apiVersion": version, "kind": "ExecCredential", "status": status}
}
