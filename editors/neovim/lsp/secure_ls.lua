-- secure-ls for Neovim 0.11+ (nvim-lspconfig convention: lsp/<name>.lua returns the config).
--
-- Install: copy this file to ~/.config/nvim/lsp/secure_ls.lua, then in init.lua:
--   vim.lsp.enable('secure_ls')
-- Change settings without editing this file:
--   vim.lsp.config('secure_ls', { settings = { ['secure-ls'] = { minConfidence = 'high' } } })
--
-- Attaches to Python files, pip requirements files (filetype `requirements`, and
-- requirements*.txt files Neovim calls `text`) and pyproject.toml (other TOML and
-- text files are left alone).

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

-- Among `toml` and `text` buffers, only pyproject.toml and requirements files.
local function wanted(bufnr)
  local ft = vim.bo[bufnr].filetype
  if ft ~= 'toml' and ft ~= 'text' then
    return true
  end
  local name = vim.fs.basename(vim.api.nvim_buf_get_name(bufnr))
  if ft == 'toml' then
    return name == 'pyproject.toml'
  end
  return name:match('^requirements.*%.txt$') ~= nil
end

---@type vim.lsp.Config
return {
  cmd = { 'secure-ls', 'serve' },
  filetypes = { 'python', 'requirements', 'toml', 'text' },
  root_markers = root_markers,
  -- The folder root_markers finds (else the file's own, else the current one), for
  -- wanted buffers only.
  root_dir = function(bufnr, on_dir)
    if wanted(bufnr) then
      local markers = (vim.lsp.config.secure_ls or {}).root_markers or root_markers
      local path = vim.api.nvim_buf_get_name(bufnr)
      on_dir(vim.fs.root(bufnr, markers) or (path ~= '' and vim.fs.dirname(path)) or vim.fn.getcwd())
    end
  end,
  init_options = options,
  settings = { ['secure-ls'] = options },
  -- Settings changed with vim.lsp.config() reach initializationOptions too.
  before_init = function(params, config)
    local section = config.settings and config.settings['secure-ls']
    if section then
      params.initializationOptions = vim.tbl_deep_extend('force', params.initializationOptions or {}, section)
    end
  end,
}
