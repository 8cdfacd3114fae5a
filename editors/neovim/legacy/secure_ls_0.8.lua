-- secure-ls for Neovim 0.8 to 0.10 (on 0.11+ use lsp/secure_ls.lua instead).
--
-- Install: copy this file to ~/.config/nvim/plugin/secure_ls.lua
-- (or keep it anywhere and call dofile('/path/to/secure_ls_0.8.lua') from init.lua).
-- To change settings, edit the `options` table below.
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

-- Python files, pip requirements files (named like Neovim 0.11 names them) and pyproject.toml.
local function wanted(bufnr)
  local ft = vim.bo[bufnr].filetype
  if ft == 'python' or ft == 'requirements' then
    return true
  end
  local path = vim.api.nvim_buf_get_name(bufnr)
  local name = vim.fs.basename(path)
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
  local dir = vim.fn.fnamemodify(path, ':p:h')
  for _, marker in ipairs(root_markers) do
    local found = vim.fs.find(marker, { path = dir, upward = true })[1]
    if found then
      return vim.fs.dirname(found)
    end
  end
  return dir
end

-- BufReadPost/BufNewFile too: some requirements files get no filetype, hence no FileType event.
vim.api.nvim_create_autocmd({ 'FileType', 'BufReadPost', 'BufNewFile' }, {
  group = vim.api.nvim_create_augroup('secure_ls', { clear = true }),
  callback = function(args)
    if vim.bo[args.buf].buftype ~= '' or not wanted(args.buf) then
      return
    end
    -- vim.lsp.start reuses the running client with the same name and root_dir.
    vim.lsp.start({
      name = 'secure_ls',
      cmd = { 'secure-ls', 'serve' },
      root_dir = find_root(vim.api.nvim_buf_get_name(args.buf)),
      init_options = options,
      settings = { ['secure-ls'] = options },
    }, { bufnr = args.buf })
  end,
})
