package cli

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/quick"
)

// kubectlOptions is what a `kubectl-credential` command line asks for.
type kubectlOptions struct{ profile string }

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
		Args:              usage(argCount(0, 1)),
		ValidArgsFunction: e.profileNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOr(e, &kubectlOptions{profile: first(args)}, e.kubectlCredential)
		},
	}
}

// kubectlCredential prints an ExecCredential with the profile's token.
func (e *env) kubectlCredential(o *kubectlOptions) error {
	p, b, err := e.profileAndClient(o.profile)
	if err != nil {
		return err
	}
	tok, err := b.Token(e.ctx, p.Name, defaults.MinValid)
	if err != nil {
		return err
	}
	return quick.PrintExecCredential(e.stdout, e.stderr, os.Getenv("KUBERNETES_EXEC_INFO"), tok)
}
