// The dashboard's charts: one value per day from the page's own JSON (no second request).
(function () {
  var data = JSON.parse(document.getElementById('chart-data').textContent);
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    plugins: { legend: { position: 'bottom' } }
  };
  function chart(id, type, datasets) {
    var canvas = document.getElementById(id);
    canvas.parentNode.style.height = '280px';
    return new Chart(canvas, { type: type, data: { labels: data.days, datasets: datasets }, options: common });
  }
  chart('chart-clicks', 'line', [
    { label: 'Clicks', data: data.clicks, borderColor: '#0b5cad', backgroundColor: 'rgba(11,92,173,.15)', fill: true, tension: .2 }
  ]);
  chart('chart-conversations', 'bar', [
    { label: 'Ice breaker tap', data: data.icebreakerTaps, backgroundColor: '#2e7d32' },
    { label: 'Typed message', data: data.typedMessages, backgroundColor: '#f9a825' },
    { label: 'Existing thread', data: data.existingThreads, backgroundColor: '#6a1b9a' }
  ]);
  chart('chart-replies', 'bar', [
    { label: 'Sent', data: data.sent, backgroundColor: '#2e7d32' },
    { label: 'Skipped', data: data.skipped, backgroundColor: '#f9a825' },
    { label: 'Failed', data: data.failed, backgroundColor: '#c62828' }
  ]);
})();
