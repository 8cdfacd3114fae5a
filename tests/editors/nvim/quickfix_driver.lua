-- Headless test driver: does what a user does with secure-ls in Neovim 0.7 and 0.11.
--
-- Run as `nvim --headless FILE -c 'luafile quickfix_driver.lua'` after the user's config
-- (from $XDG_CONFIG_HOME/nvim) has started the server on FILE. Steps:
--   1. wait for the secure-ls client to attach and for a diagnostic with code $SLS_TEST_CODE;
--   2. put the cursor on it and run vim.lsp.buf.code_action(), choosing the menu entry
--      titled $SLS_TEST_TITLE (vim.ui.select stands in for the user's pick), or type
--      $SLS_TEST_KEYS, a mapping that applies the fix without a menu;
--   3. wait for the edit, :write the file, wait for the diagnostic to go away;
--   4. quit Neovim with :qall (so the LSP client shuts the server down as usual).
-- Everything observed is written as JSON to $SLS_TEST_RESULT; on any failure the driver
-- records the error and exits with :cquit so the exit code tells.

local result_path = assert(os.getenv('SLS_TEST_RESULT'), 'SLS_TEST_RESULT not set')
local code = assert(os.getenv('SLS_TEST_CODE'), 'SLS_TEST_CODE not set')
local title = assert(os.getenv('SLS_TEST_TITLE'), 'SLS_TEST_TITLE not set')
local timeout = tonumber(os.getenv('SLS_TEST_TIMEOUT_MS') or '30000')
-- Optional: Normal-mode keys bound (by the user's config) to apply the fix directly;
-- then the code-action menu must not show.
local keys = os.getenv('SLS_TEST_KEYS')

local result = { steps = {}, notifications = {}, menu = {} }
local bufnr = vim.api.nvim_get_current_buf()

local function json_encode(value)
  if vim.json then
    return vim.json.encode(value)
  end
  return vim.fn.json_encode(value)
end

local function write_result()
  local f = assert(io.open(result_path, 'w'))
  f:write(json_encode(result))
  f:close()
end

local started = vim.loop.hrtime()
local function step(name)
  -- With the time since the driver started, in ms: where a slow run spends it.
  table.insert(result.steps, string.format('%s (%d ms)', name, (vim.loop.hrtime() - started) / 1e6))
end

-- Errors and warnings a user would see go into the result too.
local notify = vim.notify
vim.notify = function(msg, level, opts)
  table.insert(result.notifications, { msg = tostring(msg), level = level })
  return notify(msg, level, opts)
end

local function clients()
  local list = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  local ours = {}
  for _, client in ipairs(list) do
    if client.name == 'secure_ls' then
      table.insert(ours, client)
    end
  end
  return ours
end

local function our_diagnostics()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'secure-ls' and tostring(d.code) == code then
      table.insert(found, d)
    end
  end
  return found
end

-- Every diagnostic in the buffer, from any source, in a comparable form.
local function summaries()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, { source = d.source, code = d.code, lnum = d.lnum, col = d.col, message = d.message })
  end
  table.sort(out, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  return out
end

local function wait_for(what, predicate)
  if not vim.wait(timeout, predicate, 50) then
    error('timed out after ' .. timeout .. ' ms waiting for ' .. what)
  end
  step(what)
end

local function lines()
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

local function run()
  result.filetype = vim.bo[bufnr].filetype
  wait_for('client attached', function()
    return #clients() > 0
  end)
  local client = clients()[1]
  wait_for('client initialized', function()
    return client.initialized ~= false and client.server_capabilities ~= nil
  end)
  result.offset_encoding = client.offset_encoding
  result.server_capabilities = client.server_capabilities

  wait_for('diagnostic ' .. code, function()
    return #our_diagnostics() > 0
  end)
  result.initial_diagnostics = summaries()
  result.diagnostics = {}
  for _, d in ipairs(our_diagnostics()) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(result.diagnostics, {
      lnum = d.lnum,
      col = d.col, -- byte column in the buffer
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      message = d.message,
      lsp_range = lsp.range, -- as sent, in the negotiated position encoding
    })
  end

  -- The user puts the cursor on the finding and asks for code actions.
  local d = our_diagnostics()[1]
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local picked = false
  vim.ui.select = function(items, opts, on_choice)
    local choice
    for _, item in ipairs(items) do
      local text = opts.format_item and opts.format_item(item) or tostring(item)
      table.insert(result.menu, text)
      if not choice and text:sub(1, #title) == title then
        choice = item
      end
    end
    picked = true
    on_choice(choice)
  end
  local before = table.concat(lines(), '\n')
  if keys then
    vim.cmd('normal ' .. vim.api.nvim_replace_termcodes(keys, true, false, true))
    step('typed ' .. keys)
  else
    vim.lsp.buf.code_action()
    wait_for('code action menu', function()
      return picked
    end)
    local listed = false
    for _, text in ipairs(result.menu) do
      listed = listed or text:sub(1, #title) == title
    end
    if not listed then
      error('no code action titled "' .. title .. '" in the menu')
    end
  end
  wait_for('fix applied to the buffer', function()
    return table.concat(lines(), '\n') ~= before or (keys and picked)
  end)
  if keys and picked then
    error(keys .. ' opened the code-action menu instead of applying the fix')
  end
  result.buffer_after_fix = lines()

  vim.cmd('write')
  step('written')
  wait_for('diagnostic ' .. code .. ' gone', function()
    return #our_diagnostics() == 0
  end)
  result.buffer_final = lines()
  result.remaining_diagnostics = summaries()
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  result.error = tostring(err)
  result.buffer_final = lines()
  pcall(write_result)
  vim.cmd('cquit 1')
else
  result.ok = true
  write_result()
  vim.cmd('qall')
end
