package defaults

// checkPrivateDir has nothing to check on Windows: the directory is under
// %LocalAppData%, whose ACL admits only the user (and SYSTEM).
func checkPrivateDir(string) error { return nil }
