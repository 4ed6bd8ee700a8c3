# 机关党建 — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
VENDOR := static/vendor
NM := node_modules
# `PORT=8001 make run` when 8000 is taken.
PORT ?= 8000

.PHONY: run test install vendor migrate demo web worker clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed vendor

# Front-end libraries come from the npm registry at set-up; nothing is fetched at run time.
$(NM)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.copied: $(NM)/.installed
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons $(VENDOR)/htmx $(VENDOR)/fullcalendar $(VENDOR)/echarts \
		$(VENDOR)/flatpickr
	cp $(NM)/bootstrap/dist/css/bootstrap.min.css $(NM)/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	cp -r $(NM)/bootstrap-icons/font/bootstrap-icons.min.css $(NM)/bootstrap-icons/font/fonts $(VENDOR)/bootstrap-icons/
	cp $(NM)/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp $(NM)/fullcalendar/index.global.min.js $(VENDOR)/fullcalendar/fullcalendar.min.js
	cp $(NM)/@fullcalendar/core/locales/zh-cn.global.min.js $(VENDOR)/fullcalendar/zh-cn.min.js
	cp $(NM)/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp $(NM)/flatpickr/dist/flatpickr.min.js $(NM)/flatpickr/dist/flatpickr.min.css $(VENDOR)/flatpickr/
	cp $(NM)/flatpickr/dist/l10n/zh.js $(VENDOR)/flatpickr/zh.js
	cp $(NM)/flatpickr/dist/plugins/monthSelect/index.js $(VENDOR)/flatpickr/month-select.js
	cp $(NM)/flatpickr/dist/plugins/monthSelect/style.css $(VENDOR)/flatpickr/month-select.css
	touch $@

vendor: $(VENDOR)/.copied

migrate: install
	$(PY) manage.py migrate --noinput

# Loads the demo city only into an empty database: a second `make run` keeps what users entered.
demo: migrate
	@echo "  演示数据：数据库为空时载入演示城市（82 家党组织、约 1 万名党员、3 年的组织生活记录），首次约需 1–3 分钟；之后直接跳过。"
	$(PY) manage.py seed_demo --if-empty

run: demo
	@echo ""
	@echo "  机关党建 已启动： http://127.0.0.1:$(PORT)"
	@echo "  演示账号（密码均为 demo-password-123）："
	@echo "    admin      工委管理员"
	@echo "    secretary  党支部书记"
	@echo "    member     党员"
	@echo "  按 Ctrl-C 停止（网站、任务进程与定时调度一并停止）。"
	@echo ""
	JIGUAN_PORT=$(PORT) $(PY) -m honcho -f Procfile.dev start

test: install
	$(PY) -m pytest

clean:
	rm -rf $(VENV) $(NM) $(VENDOR) var
