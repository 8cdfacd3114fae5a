" secure-ls for Vim with ALE (https://github.com/dense-analysis/ale): put this in
" ~/.vim/after/ftplugin/python.vim (or source it from your vimrc). ALE starts
" `secure-ls serve` as a language server for Python buffers.
call ale#linter#Define('python', {
\   'name': 'secure-ls',
\   'lsp': 'stdio',
\   'executable': 'secure-ls',
\   'command': '%e serve',
\   'project_root': {buffer -> ale#python#FindProjectRoot(buffer)},
\})

" Run it next to the linters you already use (ALE runs every linter listed):
let b:ale_linters = get(b:, 'ale_linters', []) + ['secure-ls']

" Settings (section "secure-ls"), the answer to workspace/configuration. A key left
" out keeps the project's [tool.secure-ls] in pyproject.toml; one set here overrides it:
" let g:ale_python_secure_ls_config = {'secure-ls': {'minConfidence': 'medium'}}
" (then add  \   'lsp_config': {b -> ale#Var(b, 'python_secure_ls_config')},  above)
"
" Fixes: :ALECodeAction on the finding; :ALEInfo shows the server's log.
