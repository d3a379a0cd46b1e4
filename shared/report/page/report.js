// The report page's script (inlined by shared/report/html.ts): draws the model embedded in
// #report-data with TradingView's lightweight-charts (window.LightweightCharts, v5 API). One chart at a
// time, for the picked symbol and interval: candles with VWAP, volume in its own pane, and the
// preprocess features (log return, volatility, RSI) in further panes when the interval has them.
// `window.tickflowReport` exposes the chart and its series, so a test can read what was drawn.
(() => {
  const LC = window.LightweightCharts;
  const model = JSON.parse(document.getElementById('report-data').textContent);
  const UP = '#26a69a';
  const DOWN = '#ef5350';
  const LINE_COLORS = ['#2962ff', '#ff6d00', '#8e24aa', '#00897b', '#c62828', '#6d4c41'];
  const charts = new Map(model.charts.map((c) => [key(c.symbol, c.interval), c]));
  const symbolPicker = document.getElementById('symbol');
  const intervalPicker = document.getElementById('interval');
  const api = { model, chart: null, series: {}, markers: null, current: null, select, ready: false };
  window.tickflowReport = api;

  function key(symbol, interval) {
    return `${symbol}\u0000${interval}`;
  }

  /**
   * Decimals for the price axis: as many as the lake's prices have (quoted prices: cents, pips), but no
   * more than 7 significant digits of the chart's largest price.
   */
  function precisionOf(chart) {
    let decimals = 0;
    let max = 0;
    for (const values of [chart.o, chart.h, chart.l, chart.c]) {
      for (const v of values) {
        const text = String(v);
        const dot = text.indexOf('.');
        if (dot >= 0 && !text.includes('e')) decimals = Math.max(decimals, text.length - dot - 1);
        max = Math.max(max, Math.abs(v));
      }
    }
    const significant = Math.max(2, 6 - Math.floor(Math.log10(max || 1)));
    const precision = Math.min(decimals, significant, 10);
    return { type: 'price', precision, minMove: 10 ** -precision };
  }

  function chartOptions(height) {
    return {
      autoSize: true,
      height,
      layout: {
        background: { type: 'solid', color: '#ffffff' },
        textColor: '#333',
        fontSize: 11,
        attributionLogo: true,
        panes: { separatorColor: '#d6dbe1', enableResize: true },
      },
      grid: { vertLines: { color: '#f0f3fa' }, horzLines: { color: '#f0f3fa' } },
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#d6dbe1' },
      rightPriceScale: { borderColor: '#d6dbe1' },
    };
  }

  function line(chart, pane, title, color, times, values, extra) {
    const series = chart.addSeries(
      LC.LineSeries,
      { color, lineWidth: 1, title, priceLineVisible: false, lastValueVisible: false, ...extra },
      pane,
    );
    series.setData(times.map((time, i) => (values[i] === null ? { time } : { time, value: values[i] })));
    return series;
  }

  function select(symbol, interval) {
    const data = charts.get(key(symbol, interval));
    if (api.chart) api.chart.remove();
    api.chart = null;
    api.series = {};
    api.current = { symbol, interval };
    symbolPicker.value = symbol;
    intervalPicker.value = interval;
    const caption = document.getElementById('caption');
    if (!data) {
      caption.textContent = `No ${interval} bars for ${symbol} in the lake.`;
      return;
    }
    const container = document.getElementById('chart');
    const chart = LC.createChart(container, chartOptions(container.clientHeight || 620));
    const priceFormat = precisionOf(data);
    const candles = chart.addSeries(LC.CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      borderVisible: false,
      wickUpColor: UP,
      wickDownColor: DOWN,
      priceFormat,
    });
    candles.setData(
      data.t.map((time, i) => ({ time, open: data.o[i], high: data.h[i], low: data.l[i], close: data.c[i] })),
    );
    const vwap = line(chart, 0, 'VWAP', 'rgba(41,98,255,0.6)', data.t, data.w, { priceFormat, lineWidth: 2 });
    const volume = chart.addSeries(
      LC.HistogramSeries,
      { title: 'volume', priceFormat: { type: 'volume' }, priceLineVisible: false, lastValueVisible: false },
      1,
    );
    volume.setData(
      data.t.map((time, i) => ({
        time,
        value: data.v[i],
        color: data.c[i] >= data.o[i] ? 'rgba(38,166,154,0.55)' : 'rgba(239,83,80,0.55)',
      })),
    );
    api.markers = null;
    if (data.late.length > 0) {
      api.markers = LC.createSeriesMarkers(
        candles,
        data.late.map(([time, n]) => ({
          time,
          position: 'aboveBar',
          color: '#f57c00',
          shape: 'arrowDown',
          text: `${n} late`,
        })),
      );
    }
    api.series = { candles, vwap, volume };
    const features = model.features?.interval === interval ? model.features.bySymbol[symbol] : undefined;
    if (features) {
      const logReturn = chart.addSeries(
        LC.HistogramSeries,
        {
          title: 'log return',
          priceLineVisible: false,
          lastValueVisible: false,
          priceFormat: { type: 'price', precision: 5, minMove: 0.00001 },
        },
        2,
      );
      logReturn.setData(
        features.t.map((time, i) => {
          const value = features.logReturn[i];
          return value === null ? { time } : { time, value, color: value >= 0 ? UP : DOWN };
        }),
      );
      const volFormat = { priceFormat: { type: 'price', precision: 5, minMove: 0.00001 } };
      api.series.logReturn = logReturn;
      api.series.volatility10 = line(
        chart,
        3,
        'σ10',
        LINE_COLORS[0],
        features.t,
        features.volatility10,
        volFormat,
      );
      api.series.volatility30 = line(
        chart,
        3,
        'σ30',
        LINE_COLORS[1],
        features.t,
        features.volatility30,
        volFormat,
      );
      api.series.volatility60 = line(
        chart,
        3,
        'σ60',
        LINE_COLORS[2],
        features.t,
        features.volatility60,
        volFormat,
      );
      const rsi = line(chart, 4, 'RSI 14', LINE_COLORS[2], features.t, features.rsi14, {});
      for (const price of [30, 70])
        rsi.createPriceLine({ price, color: '#9e9e9e', lineWidth: 1, lineStyle: 2 });
      api.series.rsi = rsi;
    }
    const panes = chart.panes();
    panes[0].setStretchFactor(4);
    panes[1].setStretchFactor(1);
    for (const pane of panes.slice(2)) pane.setStretchFactor(1.2);
    chart.timeScale().fitContent();
    chart.subscribeCrosshairMove((param) => legend(param, candles, data, priceFormat.precision));
    legend(undefined, candles, data, priceFormat.precision);
    api.chart = chart;
    const candlesText =
      data.group === 1 ? 'every bar of the lake' : `each candle merges ${data.group} × ${interval}`;
    const featureText = features
      ? 'panes: volume, log return, volatility (σ of 10/30/60 log returns), RSI 14'
      : model.features
        ? `volume pane; features are computed for ${model.features.interval} bars`
        : 'volume pane; no features in the lake';
    const lateText = data.late.length > 0 ? '; orange arrows mark windows that ticks came late for' : '';
    caption.textContent = `${symbol} · ${interval} · ${data.t.length.toLocaleString('en-US')} candles from ${data.lakeBars.toLocaleString('en-US')} bars (${candlesText}) · VWAP in blue · ${featureText}${lateText}.`;
    if (location.hash !== `#${encodeURIComponent(symbol)}`)
      history.replaceState(null, '', `#${encodeURIComponent(symbol)}`);
  }

  function legend(param, candles, data, precision) {
    const bar = param?.seriesData?.get(candles) ?? {
      open: data.o.at(-1),
      high: data.h.at(-1),
      low: data.l.at(-1),
      close: data.c.at(-1),
    };
    const f = (v) => v.toFixed(precision);
    const el = document.getElementById('legend');
    el.textContent = `O ${f(bar.open)}  H ${f(bar.high)}  L ${f(bar.low)}  C ${f(bar.close)}`;
    el.className = `legend ${bar.close >= bar.open ? 'up' : 'down'}`;
  }

  function lateChart() {
    const container = document.getElementById('late-chart');
    const caption = document.getElementById('late-caption');
    const { bucketSeconds, series } = model.quality.lateOverTime;
    if (series.length === 0) {
      container.hidden = true;
      caption.textContent = 'No late ticks: every valid tick reached its windows before they closed.';
      return;
    }
    const chart = LC.createChart(container, chartOptions(container.clientHeight || 220));
    api.lateChart = chart;
    api.lateSeries = series.map((s, i) => {
      const histogram = chart.addSeries(LC.HistogramSeries, {
        title: s.interval,
        color: `${LINE_COLORS[i % LINE_COLORS.length]}b0`,
        priceFormat: { type: 'volume' },
        priceLineVisible: false,
      });
      histogram.setData(s.t.map((time, k) => ({ time, value: s.n[k] })));
      return histogram;
    });
    chart.timeScale().fitContent();
    caption.textContent = `Late ticks per interval, in buckets of ${duration(bucketSeconds)} of event time.`;
  }

  function duration(seconds) {
    for (const [unit, size] of [
      ['day', 86400],
      ['hour', 3600],
      ['minute', 60],
    ]) {
      if (seconds % size === 0) return `${seconds / size} ${unit}${seconds === size ? '' : 's'}`;
    }
    return `${seconds} s`;
  }

  function fromHash() {
    const symbol = decodeURIComponent(location.hash.slice(1));
    return model.symbols.includes(symbol) ? symbol : undefined;
  }

  function show(error) {
    const el = document.getElementById('error');
    el.hidden = false;
    el.textContent = `The report could not draw its charts: ${error?.message ?? error}`;
    console.error(error);
  }

  try {
    if (model.symbols.length === 0) throw new Error('the model has no symbols');
    symbolPicker.addEventListener('change', () => select(symbolPicker.value, intervalPicker.value));
    intervalPicker.addEventListener('change', () => select(symbolPicker.value, intervalPicker.value));
    window.addEventListener('hashchange', () => {
      const symbol = fromHash();
      if (symbol && symbol !== api.current?.symbol) select(symbol, intervalPicker.value);
    });
    select(fromHash() ?? model.defaults.symbol, model.defaults.interval);
    lateChart();
    api.ready = true;
    document.body.dataset.ready = 'true';
  } catch (error) {
    show(error);
  }
})();
