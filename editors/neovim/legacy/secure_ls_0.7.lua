-- secure-ls for Neovim 0.7 (on 0.8-0.10 use secure_ls_0.8.lua, on 0.11+ lsp/secure_ls.lua).
--
-- Install: copy this file to ~/.config/nvim/plugin/secure_ls.lua
-- (or keep it anywhere and run `luafile /path/to/secure_ls_0.7.lua` from init.vim).
-- To change settings, edit the `options` table below. Neovim 0.7 never asks the
-- server for settings (no workspace/configuration), so they travel as init_options.
--
-- Starts one secure-ls per project root and attaches it to Python files,
-- pip requirements files and pyproject.toml.

-- Settings (section "secure-ls"), sent as initializationOptions and as the answer to
-- workspace/configuration. A key left out keeps the project's [tool.secure-ls] in
-- pyproject.toml (or the built-in default); a key set here overrides it.
local options = {
  -- enable = false,                    -- turn every check off
  -- select = { 'SLS1' },               -- only these rules (ids, id prefixes or names)
  -- ignore = { 'SLS105' },             -- never these rules
  -- severity = { SLS101 = 'error' },   -- rule id -> error | warning | information | hint
  -- minConfidence = 'medium',          -- hide findings below: low | medium | high (unset: low ones as hints)
  -- dependencies = {
  --   enable = false,                  -- don't check requirements for known vulnerabilities
  --   offlineDir = '/path/to/advisories',  -- read advisories from here, never the network
  --   caBundle = '/path/to/ca.pem',        -- CA bundle for the advisory service
  -- },
}

local root_markers = { 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', 'Pipfile', '.git' }

-- Python files, pip requirements files (Neovim 0.7 calls them `text`) and pyproject.toml.
local function wanted(bufnr)
  if vim.bo[bufnr].filetype == 'python' then
    return true
  end
  local path = vim.api.nvim_buf_get_name(bufnr)
  local name = vim.fn.fnamemodify(path, ':t')
  if name == 'pyproject.toml' or name == 'requirements.in' or name == 'constraints.txt' then
    return true
  end
  return name:match('^requirements.*%.txt$') ~= nil
    or name:match('%-requirements%.txt$') ~= nil
    or path:match('/requirements/[^/]*%.txt$') ~= nil
end

-- The nearest directory holding the first marker found (markers in priority order),
-- else the file's own directory (the current one for a buffer with no file yet).
local function find_root(path)
  local start = vim.fn.fnamemodify(path, ':p:h')
  for _, marker in ipairs(root_markers) do
    local dir = start
    while true do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
      local parent = vim.fn.fnamemodify(dir, ':h')
      if parent == dir then
        break
      end
      dir = parent
    end
  end
  return start
end

local clients = {} -- root directory -> client id

-- BufReadPost/BufNewFile too: some requirements files get no filetype, hence no FileType event.
vim.api.nvim_create_autocmd({ 'FileType', 'BufReadPost', 'BufNewFile' }, {
  group = vim.api.nvim_create_augroup('secure_ls', { clear = true }),
  callback = function(args)
    if vim.bo[args.buf].buftype ~= '' or not wanted(args.buf) then
      return
    end
    local root = find_root(vim.api.nvim_buf_get_name(args.buf))
    local id = clients[root]
    local client = id and vim.lsp.get_client_by_id(id)
    if not client or client.is_stopped() then
      id = vim.lsp.start_client({
        name = 'secure_ls',
        cmd = { 'secure-ls', 'serve' },
        root_dir = root,
        workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
        init_options = options,
        settings = { ['secure-ls'] = options },
      })
      clients[root] = id
    end
    if id then
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})
