;;; secure-ls.el --- Use secure-ls in Python buffers with Eglot  -*- lexical-binding: t; -*-

;; Put this in your init file (or load it from there).  Eglot is built into
;; Emacs 29+; on Emacs 28 install the `eglot' package first.
;; Eglot runs one server per buffer: this makes secure-ls the Python server.

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((python-mode python-ts-mode) . ("secure-ls" "serve"))))

(add-hook 'python-mode-hook #'eglot-ensure)
(add-hook 'python-ts-mode-hook #'eglot-ensure)

;; Settings (section "secure-ls"), the answer to workspace/configuration.  A key
;; left out keeps the project's [tool.secure-ls] in pyproject.toml (or the
;; built-in default); a key set here overrides it.  For example:
;; (setq-default eglot-workspace-configuration
;;               '(:secure-ls (:ignore ["SLS105"]
;;                             :severity (:SLS101 "error")
;;                             :minConfidence "medium"
;;                             :dependencies (:enable :json-false))))

(provide 'secure-ls)
;;; secure-ls.el ends here
