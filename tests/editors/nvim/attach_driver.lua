-- Headless test driver: which buffers does the user's secure-ls config attach to, and
-- what does each one show?
--
-- Run as `nvim --headless -c 'luafile attach_driver.lua'` with
--   SLS_TEST_FILES     files to :edit, one per line (relative to the working directory)
--   SLS_TEST_EXPECT    the subset that should get the secure_ls client, one per line
--   SLS_TEST_CODE      optional: wait until the first file shows a diagnostic with this code
--   SLS_TEST_RESULT    where to write the JSON report
-- After the expected attachments (and diagnostic) appear, it waits SLS_TEST_SETTLE_MS more so
-- that an unwanted attachment would show, reports, and quits with :qall (:cquit on error).

local result_path = assert(os.getenv('SLS_TEST_RESULT'), 'SLS_TEST_RESULT not set')
local timeout = tonumber(os.getenv('SLS_TEST_TIMEOUT_MS') or '30000')
local settle = tonumber(os.getenv('SLS_TEST_SETTLE_MS') or '1000')
local code = os.getenv('SLS_TEST_CODE')

local function split(text)
  local out = {}
  for line in (text or ''):gmatch('[^\n]+') do
    table.insert(out, line)
  end
  return out
end

local files = split(os.getenv('SLS_TEST_FILES'))
local expect = split(os.getenv('SLS_TEST_EXPECT'))
local result = { files = {}, notifications = {} }

local function json_encode(value)
  return vim.json and vim.json.encode(value) or vim.fn.json_encode(value)
end

local function write_result()
  local f = assert(io.open(result_path, 'w'))
  f:write(json_encode(result))
  f:close()
end

local notify = vim.notify
vim.notify = function(msg, level, opts)
  table.insert(result.notifications, { msg = tostring(msg), level = level })
  return notify(msg, level, opts)
end

local function client_of(bufnr)
  local list = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  for _, client in ipairs(list) do
    if client.name == 'secure_ls' then
      return client
    end
  end
end

local function diagnostics(bufnr, wanted_code)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'secure-ls' and (not wanted_code or tostring(d.code) == wanted_code) then
      table.insert(out, { code = d.code, severity = d.severity, lnum = d.lnum, col = d.col, message = d.message })
    end
  end
  return out
end

local started = vim.loop.hrtime()

local function run()
  local buffers = {}
  for _, file in ipairs(files) do
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    buffers[file] = vim.api.nvim_get_current_buf()
  end
  local ok = vim.wait(timeout, function()
    for _, file in ipairs(expect) do
      if not client_of(buffers[file]) then
        return false
      end
    end
    return not code or #diagnostics(buffers[files[1]], code) > 0
  end, 50)
  result.waited_ok = ok
  result.waited_ms = (vim.loop.hrtime() - started) / 1e6
  vim.wait(settle, function()
    return false
  end, 50)
  local ids = {}
  for _, file in ipairs(files) do
    local bufnr = buffers[file]
    local client = client_of(bufnr)
    if client then
      ids[client.id] = true
    end
    result.files[file] = {
      filetype = vim.bo[bufnr].filetype,
      attached = client ~= nil,
      root_dir = client and client.config.root_dir or nil,
      diagnostics = diagnostics(bufnr),
    }
  end
  result.clients = vim.tbl_count(ids)
  if not ok then
    error('timed out after ' .. timeout .. ' ms waiting for the expected attachments/diagnostic')
  end
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  result.error = tostring(err)
  pcall(write_result)
  vim.cmd('cquit 1')
else
  result.ok = true
  write_result()
  vim.cmd('qall!')
end
