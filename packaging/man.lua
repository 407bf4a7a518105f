-- pandoc filter: a docs/*.md page written "in man-page form" to roff.
--
-- The first level-1 heading, "NAME(S) — title", becomes the page's title
-- (the .TH line comes from the command line's metadata); every other
-- heading moves up a level, so "## NAME" is .SH NAME and "### report" a
-- .SS.  Links to other docs/*.md pages become their text only: the man
-- page cannot follow them, SEE ALSO names the pages.  In code, the
-- command "analyze" and the command line "./analyze ARGS" become the
-- installed name kmemlab-analyze; a bare "./analyze" is the tree's and stays.

local seen_title = false
local nested = false

local function installed_name(text)
  text = text:gsub("%./analyze(%s)", "kmemlab-analyze%1")
  -- a word "analyze" that starts a command: at the start, or after a
  -- blank, "$ ", "|", ";", "(" or "`"
  text = text:gsub("^analyze([%s%]])", "kmemlab-analyze%1")
  text = text:gsub("^analyze$", "kmemlab-analyze")
  text = text:gsub("([%s|;(])analyze([%s%]])", "%1kmemlab-analyze%2")
  text = text:gsub("([%s|;(])analyze$", "%1kmemlab-analyze")
  return text
end

-- A second input file (kmemlab(7) appends docs/events.md) goes under
-- the section the first one ended with: its title is dropped and its
-- headings become subsections.
function Header(h)
  if h.level == 1 then
    nested = seen_title
    seen_title = true
    return {}
  end
  if nested then
    h.level = 2
  else
    h.level = h.level - 1
  end
  return h
end

function Code(c)
  -- a pipe table's cells write "|" as "\|", even inside code
  c.text = installed_name(c.text:gsub("\\|", "|"))
  return c
end

function CodeBlock(c)
  local lines = {}
  for line in (c.text .. "\n"):gmatch("(.-)\n") do
    table.insert(lines, installed_name(line))
  end
  c.text = table.concat(lines, "\n")
  return c
end

function Link(l)
  if l.target:match("%.md$") or l.target:match("%.md#") then
    return l.content
  end
  return l
end

-- pandoc gives a table's columns 70 ens in all (equal shares, or the
-- shares of the source's dashes), wider than an 80-column man page leaves
-- after its indent, and too narrow for a long identifier in a column of
-- short words.  Size each column here instead: at least its longest word,
-- the rest shared by how much text each column holds, 62 ens in all.
-- Cells are filled without adjusting (.na), as man pages do for tables:
-- a cell of one long identifier cannot be justified.  On a terminal man
-- renders one endless page that grows as text needs it, but tbl checks a
-- text block against the room left on the page so far and warns when the
-- block is near that edge: grow the page by the table's worth first
-- (.ne, a no-op for man's endless page but for the warning).
local TABLE_ENS = 62

local function cell_text(cell)
  return pandoc.utils.stringify(cell.contents)
end

function Table(t)
  local n = #t.colspecs
  local longest, text = {}, {}
  for i = 1, n do longest[i], text[i] = 1, 1 end
  local function measure(rows)
    for _, row in ipairs(rows) do
      for i, cell in ipairs(row.cells) do
        local s = cell_text(cell)
        text[i] = text[i] + #s
        for word in s:gmatch("%S+") do
          longest[i] = math.max(longest[i], #word)
        end
      end
    end
  end
  measure(t.head.rows)
  for _, body in ipairs(t.bodies) do measure(body.body) end
  local floor, total_text = 0, 0
  for i = 1, n do floor, total_text = floor + longest[i], total_text + text[i] end
  local spare = math.max(0, TABLE_ENS - floor)
  for i, spec in ipairs(t.colspecs) do
    local ens = longest[i] + spare * text[i] / total_text
    if floor > TABLE_ENS then ens = TABLE_ENS * longest[i] / floor end
    -- pandoc writes a width w as w * 70 ens
    t.colspecs[i] = { spec[1], ens / 70 }
  end
  local rows = #t.head.rows
  for _, body in ipairs(t.bodies) do rows = rows + #body.body end
  local lines = 0
  for i = 1, n do lines = lines + text[i] end
  -- every row takes at least a line; the text needs about that many more
  local need = rows + math.ceil(lines / 20)
  return { pandoc.RawBlock("man", ".na\n.if \\n[cR] .ne " .. need .. "v"), t,
           pandoc.RawBlock("man", ".ad") }
end

-- NAME: "analyze — what" is the tree's name; whatis(1) and mandb read
-- "kmemlab-analyze \- what".
function Pandoc(doc)
  for i, block in ipairs(doc.blocks) do
    local next_block = doc.blocks[i + 1]
    if block.t == "Header" and pandoc.utils.stringify(block) == "NAME"
       and next_block and next_block.t == "Para" then
      local inlines = next_block.content
      if inlines[1] and inlines[1].t == "Str" then
        inlines[1].text = installed_name(inlines[1].text)
      end
      for j, inline in ipairs(inlines) do
        if inline.t == "Str" and inline.text == "—" then
          inlines[j] = pandoc.RawInline("man", "\\-")
        end
      end
    end
  end
  -- SEE ALSO closes a man page, even when another file came after it.
  local see_also, rest, inside = {}, {}, false
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level == 1 then
      inside = pandoc.utils.stringify(block) == "SEE ALSO"
    end
    table.insert(inside and see_also or rest, block)
  end
  for _, block in ipairs(see_also) do table.insert(rest, block) end
  doc.blocks = rest
  return doc
end
