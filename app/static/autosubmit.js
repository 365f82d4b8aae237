// The MitID continuation goes on by itself when JavaScript runs; without it the citizen presses "Fortsæt".
document.querySelectorAll("form[data-autosubmit]").forEach(function (form) { form.submit(); });
